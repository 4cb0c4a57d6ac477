using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>
/// The network end of a DingTalk client under test: forwards every attempt to a real handler and records method, path,
/// the token it carried (header or query), status and DingTalk's code, so tests count token fetches and retries from
/// the outside.
/// </summary>
internal sealed class DingTalkRecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<DingTalkCall> _calls = new();

    public DingTalkRecordingHandler()
        : base(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
    }

    public IReadOnlyList<DingTalkCall> Calls => [.. _calls];

    public int NewTokenRequests => Calls.Count(c => c.Path.EndsWith("/v1.0/oauth2/accessToken", StringComparison.Ordinal));

    public int OldTokenRequests => Calls.Count(c => c.Path.EndsWith("/gettoken", StringComparison.Ordinal));

    /// <summary>Attempts whose path ends with <paramref name="path"/> (the emulator serves DingTalk under a prefix).</summary>
    public IReadOnlyList<DingTalkCall> To(string method, string path) => [.. Calls.Where(c => c.Method == method && c.Path.EndsWith(path, StringComparison.Ordinal))];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
        var token = request.Headers.TryGetValues("x-acs-dingtalk-access-token", out var values) ? values.FirstOrDefault() : query["access_token"];
        var call = new DingTalkCall(request.Method.Method, request.RequestUri.AbsolutePath, token,
            request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
        _calls.Enqueue(call);
        var response = await base.SendAsync(request, cancellationToken);
        call.Status = response.StatusCode;
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        call.ResponseBody = await response.Content.ReadAsStringAsync(cancellationToken);
        return response;
    }
}

internal sealed record DingTalkCall(string Method, string Path, string? Token, string? Body)
{
    public HttpStatusCode? Status { get; set; }

    public string? ResponseBody { get; set; }

    /// <summary>DingTalk's code of the answer: the new API's <c>code</c> or the old API's <c>errcode</c>, as text.</summary>
    public string? Code
    {
        get
        {
            try
            {
                var root = JsonDocument.Parse(ResponseBody ?? "").RootElement;
                return root.TryGetProperty("code", out var c) ? c.ToString() : root.TryGetProperty("errcode", out var e) ? e.ToString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
