using System.Collections.Concurrent;
using System.Net;

namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>
/// The network end of a client under test: forwards every HTTP attempt to a real
/// <see cref="SocketsHttpHandler"/> and records it (method, path, Authorization, body, status), so tests
/// can count token fetches, retries and pages without looking inside the client.
/// </summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<RecordedCall> _calls = new();

    public RecordingHandler()
        : base(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
    }

    public IReadOnlyList<RecordedCall> Calls => [.. _calls];

    public int TokenRequests => Calls.Count(c => c.Path.StartsWith("/open-apis/auth/v3/", StringComparison.Ordinal));

    /// <summary>Attempts with this method whose path (without query) is exactly <paramref name="path"/>.</summary>
    public IReadOnlyList<RecordedCall> To(string method, string path) =>
        [.. Calls.Where(c => c.Method == method && c.Path == path)];

    public void Clear() => _calls.Clear();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? body = null;
        if (request.Content is { } content && content.Headers.ContentType?.MediaType == "application/json")
        {
            body = await content.ReadAsStringAsync(cancellationToken);
        }

        var call = new RecordedCall(request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Query, request.Headers.Authorization?.Parameter, body);
        _calls.Enqueue(call);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            call.Status = response.StatusCode;
            call.LogId = response.Headers.TryGetValues("X-Tt-Logid", out var logIds) ? logIds.FirstOrDefault() : null;
            if (response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                call.ResponseBody = await response.Content.ReadAsStringAsync(cancellationToken);
            }

            return response;
        }
        catch (Exception ex)
        {
            call.Failure = ex;
            throw;
        }
    }
}

internal sealed record RecordedCall(string Method, string Path, string Query, string? Bearer, string? Body)
{
    /// <summary>When the attempt left the client (real clock); for diagnostics in failure messages only.</summary>
    public DateTimeOffset SentAt { get; } = DateTimeOffset.UtcNow;

    public HttpStatusCode? Status { get; set; }

    public string? ResponseBody { get; set; }

    /// <summary>The response's <c>X-Tt-Logid</c> header.</summary>
    public string? LogId { get; set; }

    public Exception? Failure { get; set; }

    /// <summary>The envelope's <c>code</c>, when the response was JSON.</summary>
    public int? Code => ResponseBody is null ? null : System.Text.Json.JsonDocument.Parse(ResponseBody).RootElement.TryGetProperty("code", out var c) ? c.GetInt32() : null;
}
