using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Larkway.Feishu.Tests.Infrastructure;

/// <summary>A recorded request: what the client put on the wire.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Body, string? ContentType)
{
    /// <summary>
    /// The body's length as the content reported it before anything read it: null is what makes
    /// <see cref="SocketsHttpHandler"/> send the body chunked on HTTP/1.1.
    /// </summary>
    public long? ContentLength { get; init; }

    /// <summary>The request asked for chunked transfer encoding itself.</summary>
    public bool Chunked { get; init; }

    public string Path => Uri.AbsolutePath;

    public string Query => Uri.Query;

    public bool IsToken => Path.Contains("/auth/v3/", StringComparison.Ordinal);
}

/// <summary>
/// The network, faked: answers token requests itself (counting them) and every other request with
/// the responder, recording all of them. Thread-safe.
/// </summary>
public sealed class StubHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, int, CancellationToken, Task<HttpResponseMessage>> _respond;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _tokenRequests;
    private int _apiRequests;

    public StubHandler(Func<RecordedRequest, int, HttpResponseMessage> respond)
        : this((r, n, _) => Task.FromResult(respond(r, n)))
    {
    }

    public StubHandler(Func<RecordedRequest, int, CancellationToken, Task<HttpResponseMessage>> respond) => _respond = respond;

    /// <summary>Answers token requests; by default "t-token-1", "t-token-2", … with expire 7200.</summary>
    public Func<int, HttpResponseMessage> TokenResponder { get; set; } = n => Responses.Token($"t-token-{n}", 7200);

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int ApiRequests => Volatile.Read(ref _apiRequests);

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public IReadOnlyList<RecordedRequest> ApiCalls => _requests.Where(r => !r.IsToken).ToArray();

    /// <summary>Answers every API call with the same JSON.</summary>
    public static StubHandler Always(string json, HttpStatusCode status = HttpStatusCode.OK) => new((_, _) => Responses.Json(json, status));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Read the length before the body: reading buffers the content, and a buffered content reports its length.
        var contentLength = request.Content?.Headers.ContentLength;
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body, request.Content?.Headers.ContentType?.ToString())
        {
            ContentLength = contentLength,
            Chunked = request.Headers.TransferEncodingChunked == true,
        };
        _requests.Enqueue(recorded);
        HttpResponseMessage response;
        if (recorded.IsToken)
        {
            response = TokenResponder(Interlocked.Increment(ref _tokenRequests));
        }
        else
        {
            response = await _respond(recorded, Interlocked.Increment(ref _apiRequests), cancellationToken);
        }

        response.RequestMessage = request;
        return response;
    }
}

/// <summary>Canned responses.</summary>
public static class Responses
{
    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public static HttpResponseMessage Ok(string dataJson = "{}", params (string Name, string Value)[] headers) =>
        Json($$"""{"code":0,"msg":"success","data":{{dataJson}}}""", HttpStatusCode.OK, headers);

    public static HttpResponseMessage Error(int code, string msg, HttpStatusCode status = HttpStatusCode.BadRequest, params (string Name, string Value)[] headers) =>
        Json($$"""{"code":{{code}},"msg":"{{msg}}"}""", status, headers);

    public static HttpResponseMessage Token(string token, int expire) =>
        Json($$"""{"code":0,"msg":"ok","tenant_access_token":"{{token}}","app_access_token":"a-{{token}}","expire":{{expire}}}""");

    public static string Message(string id = "om_1", string chatId = "oc_1", string msgType = "text", string content = """{\"text\":\"hi\"}""") =>
        $$"""{"message_id":"{{id}}","msg_type":"{{msgType}}","create_time":"1700000000123","update_time":"1700000001000","deleted":false,"updated":false,"chat_id":"{{chatId}}","sender":{"id":"cli_test","id_type":"app_id","sender_type":"app","tenant_key":"tk"},"body":{"content":"{{content}}"},"mentions":[]}""";
}
