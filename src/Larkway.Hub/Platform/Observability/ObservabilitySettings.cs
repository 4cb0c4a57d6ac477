using System.Globalization;
using System.Net;
using Larkway.Hub.Platform.Configuration;
using Microsoft.Extensions.Configuration;

namespace Larkway.Hub.Platform.Observability;

/// <summary>Where <c>GET /metrics</c> is served.</summary>
public enum PrometheusEndpointMode
{
    /// <summary>On the Hub's own port, for the admin key only (the default).</summary>
    Admin,

    /// <summary>On a port of its own (<c>Larkway:Metrics:Port</c>) without authentication, and not on the Hub's port.</summary>
    Port,

    /// <summary>Not served.</summary>
    Off,
}

/// <summary>The console log's format.</summary>
public enum LogFormat
{
    /// <summary>ASP.NET Core's default: one human-readable entry per message (usually two lines).</summary>
    Simple,

    /// <summary>One JSON object per line (the built-in JSON console formatter), for log shippers.</summary>
    Json,
}

/// <summary>
/// The Hub's observability settings, read and checked at start like <see cref="HubSettings"/>: <c>Larkway:Metrics:*</c>,
/// <c>Larkway:Logging:Format</c>, and whether OTLP export is on (the standard <c>OTEL_*</c> variables, which the
/// OpenTelemetry SDK itself reads from the same configuration).
/// </summary>
public sealed record ObservabilitySettings
{
    public PrometheusEndpointMode Prometheus { get; init; } = PrometheusEndpointMode.Admin;

    /// <summary>The metrics port in <see cref="PrometheusEndpointMode.Port"/> mode (0 picks a free port).</summary>
    public int? Port { get; init; }

    /// <summary>The address the metrics port listens on (default loopback, like the Hub itself).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    public LogFormat? LogFormat { get; init; }

    /// <summary>Metrics go to an OTLP endpoint (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>…_METRICS_ENDPOINT</c>).</summary>
    public bool OtlpMetrics { get; init; }

    /// <summary>Traces go to an OTLP endpoint (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>…_TRACES_ENDPOINT</c>).</summary>
    public bool OtlpTraces { get; init; }

    /// <summary>The <c>service.name</c> resource attribute unless <c>OTEL_SERVICE_NAME</c> (or <c>OTEL_RESOURCE_ATTRIBUTES</c>) says otherwise.</summary>
    public const string DefaultServiceName = "larkway-hub";

    /// <summary>Reads and checks the settings.</summary>
    /// <exception cref="HubConfigurationException">A value is not one of those accepted, or two contradict each other.</exception>
    public static ObservabilitySettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Read(string key) => configuration[key] is { Length: > 0 } value ? value.Trim() : null;

        var portText = Read("Larkway:Metrics:Port");
        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > 65535)
            {
                throw new HubConfigurationException($"Larkway:Metrics:Port '{portText}' is not a port number (0–65535; 0 picks a free port).");
            }

            port = parsed;
        }

        var modeText = Read("Larkway:Metrics:Prometheus");
        var mode = modeText?.ToLowerInvariant() switch
        {
            null => port is null ? PrometheusEndpointMode.Admin : PrometheusEndpointMode.Port,
            "admin" => PrometheusEndpointMode.Admin,
            "port" => PrometheusEndpointMode.Port,
            "off" => PrometheusEndpointMode.Off,
            _ => throw new HubConfigurationException($"Larkway:Metrics:Prometheus '{modeText}' is not valid; use 'admin' (GET /metrics with the admin key, the default), 'port' (on Larkway:Metrics:Port without a key) or 'off'."),
        };
        if (mode == PrometheusEndpointMode.Port && port is null)
        {
            throw new HubConfigurationException("Larkway:Metrics:Prometheus is 'port' but Larkway:Metrics:Port is not set. Set the port the metrics are served on.");
        }

        if (mode != PrometheusEndpointMode.Port && port is not null)
        {
            throw new HubConfigurationException($"Larkway:Metrics:Port is set but Larkway:Metrics:Prometheus is '{modeText}'. Unset the port, or set Prometheus to 'port'.");
        }

        var addressText = Read("Larkway:Metrics:Address");
        var address = IPAddress.Loopback;
        if (addressText is not null && !IPAddress.TryParse(addressText, out address))
        {
            throw new HubConfigurationException($"Larkway:Metrics:Address '{addressText}' is not an IP address, e.g. 127.0.0.1 (the default), 0.0.0.0 or ::.");
        }

        var format = ReadLogFormat(configuration);

        var sdkDisabled = bool.TryParse(Read("OTEL_SDK_DISABLED"), out var disabled) && disabled;
        var anyEndpoint = Read("OTEL_EXPORTER_OTLP_ENDPOINT") is not null;
        return new ObservabilitySettings
        {
            // The SDK's own switch turns every export off, the Prometheus endpoint included (it is an SDK reader).
            Prometheus = sdkDisabled ? PrometheusEndpointMode.Off : mode,
            Port = port,
            Address = address!,
            LogFormat = format,
            OtlpMetrics = !sdkDisabled && !IsNone(Read("OTEL_METRICS_EXPORTER")) && (anyEndpoint || Read("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") is not null),
            OtlpTraces = !sdkDisabled && !IsNone(Read("OTEL_TRACES_EXPORTER")) && (anyEndpoint || Read("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is not null),
        };
    }

    /// <summary><c>Larkway:Logging:Format</c> alone (null when unset), so a start refused for another setting still knows how to say so.</summary>
    /// <exception cref="HubConfigurationException">The value is not one of those accepted.</exception>
    public static LogFormat? ReadLogFormat(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var formatText = configuration["Larkway:Logging:Format"] is { Length: > 0 } value ? value.Trim() : null;
        return formatText?.ToLowerInvariant() switch
        {
            null => null,
            "simple" => Observability.LogFormat.Simple,
            "json" => Observability.LogFormat.Json,
            _ => throw new HubConfigurationException($"Larkway:Logging:Format '{formatText}' is not valid; use 'simple' (the default) or 'json' (one JSON object per line)."),
        };
    }

    private static bool IsNone(string? exporter) => string.Equals(exporter, "none", StringComparison.OrdinalIgnoreCase);
}
