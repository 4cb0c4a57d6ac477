namespace Larkway.DingTalk.Http;

/// <summary>Which of DingTalk's hosts a request goes to; the host decides how the token travels and how errors look.</summary>
internal enum DingTalkHost
{
    /// <summary><c>api.dingtalk.com</c>: the token in <c>x-acs-dingtalk-access-token</c>, errors as non-2xx with a string code.</summary>
    Api,

    /// <summary><c>oapi.dingtalk.com</c>: the token in the <c>access_token</c> query, errors as HTTP 200 with an errcode.</summary>
    Oapi,
}

/// <summary>A request as a domain client describes it; the pipeline adds the host, the token, retries and telemetry.</summary>
internal sealed record DingTalkRequest(HttpMethod Method, DingTalkHost Host, string PathAndQuery, string PathTemplate) : Shared.Clients.IApiRequest
{
    /// <summary>A JSON body, kept as bytes so that each attempt sends a fresh copy.</summary>
    public byte[]? Json { get; init; }

    /// <summary>False for calls without the app's token (token requests themselves, robot webhooks).</summary>
    public bool WithAppToken { get; init; } = true;

    /// <summary>
    /// A person's user access token, sent in place of the app's (<c>/v1.0/contact/users/me</c>): it is never cached,
    /// refreshed or logged by the pipeline, and a refusal is the caller's to answer.
    /// </summary>
    public string? UserToken { get; init; }

    /// <summary>Safe to send twice: retried on 5xx, timeouts and transport failures as well as on rate limits.</summary>
    public bool Idempotent { get; init; }

    /// <summary>A full URL that replaces host + path (a custom robot's webhook); its query is never logged.</summary>
    public Uri? AbsoluteUrl { get; init; }
}
