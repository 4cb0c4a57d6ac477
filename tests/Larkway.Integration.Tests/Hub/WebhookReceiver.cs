using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.Hub;

/// <summary>A business system's webhook endpoint: real Kestrel on 127.0.0.1, recording every request; answers scripted per path.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _redirects = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public IReadOnlyList<ReceivedWebhook> At(string path) => [.. Received.Where(r => r.Path == path)];

    public Uri Url(string path) => new(BaseUrl, path);

    /// <summary>The next answers of <paramref name="path"/>, in order; after them it answers 200.</summary>
    public void Answer(string path, params int[] statuses) =>
        _scripts.GetOrAdd(path, _ => new ConcurrentQueue<int>()).Apply(q => Array.ForEach(statuses, q.Enqueue));

    /// <summary>Every request to <paramref name="path"/> is answered 302 to <paramref name="location"/>.</summary>
    public void Redirect(string path, string location) => _redirects[path] = location;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.Run(async http =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var path = http.Request.Path.Value ?? "";
            var status = self!._scripts.TryGetValue(path, out var q) && q.TryDequeue(out var s) ? s : 200;
            self.Received.Enqueue(new ReceivedWebhook(path, headers, buffer.ToArray(), self._redirects.ContainsKey(path) ? 302 : status));
            if (self._redirects.TryGetValue(path, out var location))
            {
                http.Response.Redirect(location);
                return;
            }

            http.Response.StatusCode = status;
            await http.Response.WriteAsync(status == 200 ? "ok" : "scripted failure");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new WebhookReceiver(app, new Uri(address));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the receiver got, and what it answered.</summary>
internal sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredWith)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

internal static class QueueExtensions
{
    public static void Apply<T>(this T value, Action<T> action) => action(value);
}
