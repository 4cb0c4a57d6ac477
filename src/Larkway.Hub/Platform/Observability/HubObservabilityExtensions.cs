using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Observability.Health;
using Larkway.Hub.Platform.Observability.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;

namespace Larkway.Hub.Platform.Observability;

/// <summary>The Hub's metrics and traces export, health endpoints and console log format.</summary>
public static class HubObservabilityExtensions
{
    /// <summary>
    /// Reads <see cref="ObservabilitySettings"/> (a bad value stops the start with <see cref="HubConfigurationException"/>),
    /// registers the OpenTelemetry providers, the metrics port server when configured, the readiness checks (database,
    /// migrations; the rooms add their connections') and the console log format.
    /// </summary>
    public static IServiceCollection AddHubObservability(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = ObservabilitySettings.From(configuration);

        services.AddSingleton(settings);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new HubTelemetry(settings, configuration, sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        if (settings.Prometheus == PrometheusEndpointMode.Port)
        {
            services.AddSingleton<MetricsPortServer>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MetricsPortServer>());
        }

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, [HubHealthTags.Ready], HubHealthTags.CheckTimeout)
            .AddCheck<MigrationsHealthCheck>("migrations", HealthStatus.Unhealthy, [HubHealthTags.Ready], HubHealthTags.CheckTimeout);

        if (settings.LogFormat is { } format)
        {
            ConfigureConsoleFormat(services, format);
        }

        return services;
    }

    /// <summary>
    /// Maps <c>/healthz</c>, <c>/readyz</c> and (in admin mode) <c>GET /metrics</c>, and starts the telemetry providers
    /// now, so that nothing recorded once requests flow is missed.
    /// </summary>
    public static WebApplication MapHubObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var telemetry = app.Services.GetRequiredService<HubTelemetry>();
        HealthEndpoints.Map(app);
        if (app.Services.GetRequiredService<ObservabilitySettings>().Prometheus == PrometheusEndpointMode.Admin)
        {
            MetricsEndpoint.Map(app, telemetry.Prometheus!).RequireAdmin();
        }

        return app;
    }

    /// <summary>
    /// The built-in console formatters. JSON: one object per line, UTC ISO-8601 timestamps, and scopes (which carry the
    /// trace and span ids, so a shipper can join log lines to traces). Scopes hold request paths and ids, never bodies.
    /// </summary>
    private static void ConfigureConsoleFormat(IServiceCollection services, LogFormat format)
    {
        services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = format == LogFormat.Json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple);
        services.Configure<JsonConsoleFormatterOptions>(ConfigureJson);
    }

    /// <summary>The JSON lines' shape, shared by every logger writing to the Hub's standard output (the embedded Emulator's too).</summary>
    internal static void ConfigureJson(JsonConsoleFormatterOptions options)
    {
        options.UseUtcTimestamp = true;
        options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        options.IncludeScopes = true;
    }
}
