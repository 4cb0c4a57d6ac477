using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Browser.Tests;

/// <summary>
/// A business system's webhook endpoint (card clicks, directory changes): real Kestrel on 127.0.0.1 that records every
/// request and answers 200.
/// </summary>
internal sealed class CardReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CardReceiver(WebApplication app, Uri url, ConcurrentQueue<Received> received)
    {
        _app = app;
        Url = url;
        Requests = received;
    }

    public Uri Url { get; }

    public ConcurrentQueue<Received> Requests { get; }

    public static async Task<CardReceiver> StartAsync(string path = "/larkway/cards")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var received = new ConcurrentQueue<Received>();
        app.Run(async http =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            received.Enqueue(new Received(
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray()));
            await http.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CardReceiver(app, new Uri(new Uri(address), path), received);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    internal sealed record Received(IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string? Header(string name) => Headers.GetValueOrDefault(name);
    }
}
