using System.Diagnostics.Metrics;
using System.Reflection;
using Larkway.Hub.Platform.Observability.Prometheus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Larkway.Hub.Platform.Observability;

/// <summary>
/// The Hub's OpenTelemetry SDK: one meter provider (the <c>Larkway</c> meter, ASP.NET Core's hosting meter and the
/// runtime's) feeding the Prometheus scrape and, when an OTLP endpoint is configured, an OTLP exporter; and a tracer
/// provider for the <c>Larkway</c> and ASP.NET Core activity sources when traces have an OTLP endpoint. Built at start,
/// disposed (flushing what OTLP has not sent) when the Hub stops.
/// </summary>
internal sealed class HubTelemetry : IDisposable
{
    private const string LarkwayMeter = "Larkway";

    /// <summary>The meters exported. The runtime's and ASP.NET Core's are observable or recorded anyway: listening is cheap.</summary>
    public static readonly string[] Meters = [LarkwayMeter, "Microsoft.AspNetCore.Hosting", "System.Runtime"];

    /// <summary>
    /// The activity sources traced. ASP.NET Core's request activity is the parent of an event's activity: without it
    /// being sampled, the parent-based sampler would drop every event activity that arrived over HTTP.
    /// </summary>
    public static readonly string[] Sources = ["Larkway", "Microsoft.AspNetCore"];

    private readonly MeterProvider? _meters;
    private readonly TracerProvider? _traces;

    public HubTelemetry(ObservabilitySettings settings, IConfiguration configuration, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Prometheus != PrometheusEndpointMode.Off)
        {
            Prometheus = new PrometheusScrapeExporter();
        }

        if (Prometheus is not null || settings.OtlpMetrics)
        {
            _meters = BuildMeters(settings, configuration, meterFactory, Prometheus);
        }

        if (settings.OtlpTraces)
        {
            _traces = Sdk.CreateTracerProviderBuilder()
                .ConfigureServices(services => services.AddSingleton(configuration))
                .SetResourceBuilder(Resource())
                .AddSource(Sources)
                .AddOtlpExporter()
                .Build();
        }
    }

    /// <summary>The scrape side; null when the Prometheus endpoint is off.</summary>
    public PrometheusScrapeExporter? Prometheus { get; }

    public void Dispose()
    {
        _traces?.Dispose();
        _meters?.Dispose();
    }

    private static MeterProvider BuildMeters(ObservabilitySettings settings, IConfiguration configuration, IMeterFactory meterFactory, PrometheusScrapeExporter? prometheus)
    {
        var builder = Sdk.CreateMeterProviderBuilder()

            // The SDK reads OTEL_* (export interval, temporality, OTLP endpoint, headers, protocol) from this
            // configuration: the Hub's, which holds the environment and any other source the Hub was given.
            .ConfigureServices(services => services.AddSingleton(configuration))
            .SetResourceBuilder(Resource())
            .AddMeter(Meters)

            // Meters are matched by name in the whole process. Another container's (the sandbox's embedded Emulator,
            // other Hubs in a test process) come from another IMeterFactory: leave them out. A Larkway meter with no
            // factory is a standalone client's (an app's connection test, here or in another Hub of the process): its
            // series would vanish with the client, so it is left out too. The runtime's meters have no factory and stay.
            .AddView(instrument => instrument.Meter.Scope switch
            {
                IMeterFactory scope when !ReferenceEquals(scope, meterFactory) => MetricStreamConfiguration.Drop,
                null when instrument.Meter.Name == LarkwayMeter => MetricStreamConfiguration.Drop,
                _ => null,
            });

        if (prometheus is not null)
        {
            builder.AddReader(new BaseExportingMetricReader(prometheus) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative });
        }

        if (settings.OtlpMetrics)
        {
            builder.AddOtlpExporter();
        }

        return builder.Build();
    }

    /// <summary>
    /// <c>service.name</c> larkway-hub with the Hub's version and a fresh instance id, then whatever
    /// <c>OTEL_RESOURCE_ATTRIBUTES</c> and <c>OTEL_SERVICE_NAME</c> say (the later detector wins a conflict).
    /// </summary>
    private static ResourceBuilder Resource() =>
        ResourceBuilder.CreateEmpty()
            .AddService(ObservabilitySettings.DefaultServiceName, serviceVersion: Version(), autoGenerateServiceInstanceId: true)
            .AddTelemetrySdk()
            .AddEnvironmentVariableDetector();

    private static string? Version() =>
        typeof(HubTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
}
