using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Observability.Prometheus;

/// <summary>
/// <c>GET /metrics</c> on a port of its own, without authentication, for a Prometheus that cannot hold the admin key.
/// A separate small Kestrel server rather than another address of the Hub's: nothing else of the Hub (APIs, console,
/// Feishu endpoints) is reachable through the metrics port, which may be opened wider than the Hub's.
/// </summary>
internal sealed partial class MetricsPortServer(
    ObservabilitySettings settings,
    HubTelemetry telemetry,
    ILogger<MetricsPortServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Where the metrics are served once started (with the port Kestrel picked when configured as 0).</summary>
    public Uri? Url { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.Listen(settings.Address, settings.Port ?? 0);
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = 0; // a scrape has no body
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseRouting();
        MetricsEndpoint.Map(app, telemetry.Prometheus!);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(new Uri(address), MetricsEndpoint.Path);
        LogListening(logger, Url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = LogEvents.MetricsPortServerListening, Level = LogLevel.Information, Message = "Prometheus metrics are served without authentication at {Url}")]
    private static partial void LogListening(ILogger logger, Uri url);
}
