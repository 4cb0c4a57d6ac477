namespace Larkway.Feishu.Http;

/// <summary>Which token, if any, the token handler puts on a request.</summary>
internal enum FeishuAuth
{
    Tenant,
    App,
    User,
    None,
}

/// <summary>
/// A request made by this client, carrying what its handlers need to know about it as typed
/// fields — rather than in <see cref="HttpRequestMessage.Options"/>, a dictionary allocated and
/// searched by string key on every call. A request the client did not make (sent on the app's named
/// <see cref="HttpClient"/> by other code) gets the defaults: tenant token, idempotent by method only.
/// </summary>
internal sealed class FeishuRequestMessage(HttpMethod method, Uri requestUri, string pathTemplate) : HttpRequestMessage(method, requestUri)
{
    /// <summary>The path with ids replaced by placeholders, for metrics and traces (bounded cardinality).</summary>
    public string PathTemplate { get; } = pathTemplate;

    /// <summary>The token kind to attach.</summary>
    public FeishuAuth Auth { get; init; } = FeishuAuth.Tenant;

    /// <summary>The user access token when <see cref="Auth"/> is <see cref="FeishuAuth.User"/>.</summary>
    public string? UserAccessToken { get; init; }

    /// <summary>
    /// True when sending the request twice has the effect of sending it once: a POST carrying its
    /// <c>uuid</c>, a token request, a full-replace PATCH. GET/HEAD/PUT/DELETE are idempotent anyway.
    /// </summary>
    public bool Idempotent { get; init; }

    /// <summary>Set on message sends: the receiver (user or chat), for the client-side rate limits.</summary>
    public string? MessageSendTo { get; init; }

    /// <summary>The per-endpoint rate this request is held to (bitable), when it has one.</summary>
    public FeishuPace? Pace { get; init; }

    /// <summary>The caller paces this send itself (<see cref="FeishuRequestOptions.PacedByCaller"/>): no client-side limit applies.</summary>
    public bool PacedByCaller { get; init; }

    /// <summary>The last response's probe (code and body), shared so the body is scanned once per attempt.</summary>
    public FeishuResponseProbe? Probe { get; set; }

    public static bool IsIdempotent(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Put
        || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Options
        || request is FeishuRequestMessage { Idempotent: true };
}
