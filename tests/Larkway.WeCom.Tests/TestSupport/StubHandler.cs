using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Larkway.WeCom.Tests.TestSupport;

/// <summary>A network stand-in: records each request (URL and body) and answers with the next scripted reply for its path.</summary>
internal sealed class StubHandler : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>> _replies = new();

    public ConcurrentQueue<(HttpMethod Method, Uri Url, string Body, string? ContentType)> Requests { get; } = new();

    public Func<HttpRequestMessage, HttpResponseMessage>? Fallback { get; set; }

    public StubHandler Reply(string path, string json, HttpStatusCode status = HttpStatusCode.OK) =>
        Reply(path, () => new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") });

    public StubHandler Reply(string path, Func<HttpResponseMessage> reply)
    {
        _replies.GetOrAdd(path, _ => new ConcurrentQueue<Func<HttpResponseMessage>>()).Enqueue(reply);
        return this;
    }

    public StubHandler Token(string token = "tok-1", int expiresIn = 7200) =>
        Reply("/cgi-bin/gettoken", $$"""{"errcode":0,"errmsg":"ok","access_token":"{{token}}","expires_in":{{expiresIn}}}""");

    public IReadOnlyList<(HttpMethod Method, Uri Url, string Body, string? ContentType)> To(string path) =>
        Requests.Where(r => r.Url.AbsolutePath == path).ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request.Method, request.RequestUri!, body, request.Content?.Headers.ContentType?.ToString()));
        if (_replies.TryGetValue(request.RequestUri!.AbsolutePath, out var queue) && queue.TryDequeue(out var reply))
        {
            return reply();
        }

        return Fallback?.Invoke(request) ?? new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("no stub for " + request.RequestUri.AbsolutePath) };
    }
}
