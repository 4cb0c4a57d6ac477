namespace Larkway.WeCom.Http;

/// <summary>A request as a domain client describes it; the pipeline adds the host, the token, retries and telemetry.</summary>
/// <param name="Method">GET or POST.</param>
/// <param name="PathAndQuery">The path with its query (without access_token, which the pipeline adds).</param>
/// <param name="PathTemplate">The path alone, for logs and metrics (queries can hold secrets).</param>
internal sealed record WeComRequest(HttpMethod Method, string PathAndQuery, string PathTemplate) : Shared.Clients.IApiRequest
{
    /// <summary>A JSON body, kept as bytes so that each attempt sends a fresh copy.</summary>
    public byte[]? Json { get; init; }

    /// <summary>A multipart body, built afresh for each attempt.</summary>
    public Func<HttpContent>? Content { get; init; }

    /// <summary>False for calls without the app's token (the token request itself, robot webhooks).</summary>
    public bool WithAppToken { get; init; } = true;

    /// <summary>Safe to send twice: retried on 5xx, -1, timeouts and transport failures as well as on rate limits.</summary>
    public bool Idempotent { get; init; }

    /// <summary>A full URL that replaces host + path (a group robot's webhook); its query is never logged.</summary>
    public Uri? AbsoluteUrl { get; init; }

    /// <summary>The answer is a file (media download) unless it is a JSON error.</summary>
    public bool BinaryAnswer { get; init; }
}
