namespace Larkway.Feishu.Http;

/// <summary>Which token, if any, the token handler puts on a request.</summary>
internal enum FeishuAuth
{
    Tenant,
    App,
    User,
    None,
}

/// <summary>Per-request marks read by the handlers (set by <see cref="FeishuPipeline"/>).</summary>
internal static class FeishuRequestKeys
{
    /// <summary>The token kind to attach (default <see cref="FeishuAuth.Tenant"/>).</summary>
    public static readonly HttpRequestOptionsKey<FeishuAuth> Auth = new("Larkway.Feishu.Auth");

    /// <summary>The user access token when <see cref="Auth"/> is <see cref="FeishuAuth.User"/>.</summary>
    public static readonly HttpRequestOptionsKey<string> UserAccessToken = new("Larkway.Feishu.UserAccessToken");

    /// <summary>
    /// True when sending the request twice has the effect of sending it once: a POST carrying its
    /// <c>uuid</c>, a token request, a full-replace PATCH. GET/HEAD/PUT/DELETE are idempotent anyway.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("Larkway.Feishu.Idempotent");

    /// <summary>Marks a message send for the per-app message rate limiter.</summary>
    public static readonly HttpRequestOptionsKey<bool> MessageSend = new("Larkway.Feishu.MessageSend");

    /// <summary>The receiver (user or chat) of a message send, for the per-receiver rate limiter.</summary>
    public static readonly HttpRequestOptionsKey<string> RateLimitKey = new("Larkway.Feishu.RateLimitKey");

    /// <summary>The path with ids replaced by placeholders, for metrics (bounded cardinality).</summary>
    public static readonly HttpRequestOptionsKey<string> PathTemplate = new("Larkway.Feishu.PathTemplate");

    /// <summary>The last response's probe (code and body log id), shared so the body is parsed once.</summary>
    internal static readonly HttpRequestOptionsKey<FeishuResponseProbe> Probe = new("Larkway.Feishu.Probe");

    public static bool IsIdempotent(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Put
        || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Options
        || (request.Options.TryGetValue(Idempotent, out var marked) && marked);
}
