using System.Globalization;
using System.Security.Cryptography;
using Larkway.Feishu.Auth;
using Larkway.Feishu.Http;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Authen;

/// <summary>
/// Sign-in and in-client authentication: the JSAPI ticket H5 pages are signed with (<c>/open-apis/jssdk/ticket/get</c>),
/// and the <c>h5sdk.config</c> parameters built from it.
/// </summary>
public partial class AuthenClient
{
    private const string TicketPath = "/open-apis/jssdk/ticket/get";

    // Feishu's quota for ticket calls is small: a ticket is fetched once per app and reused until shortly before it lapses.
    private static readonly TimeSpan RefreshBeforeExpiry = TimeSpan.FromMinutes(5);

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected AuthenClient()
    {
    }

    internal AuthenClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// The app's JSAPI ticket: cached per app, fetched once however many callers find it missing or nearly lapsed
    /// (five minutes before its <c>expire_in</c> ends).
    /// </summary>
    public virtual async Task<JsapiTicket> GetJsapiTicketAsync(CancellationToken cancellationToken = default)
    {
        var cached = await _pipeline.App.JsapiTickets.GetAsync(FetchTicketAsync, cancellationToken).ConfigureAwait(false);
        return new JsapiTicket(cached.Value, cached.ExpiresAt);
    }

    /// <summary>
    /// The parameters an H5 page at <paramref name="url"/> passes to <c>h5sdk.config</c>: a fresh nonce and millisecond
    /// timestamp each call, since Feishu refuses a signature it has seen (333443) or one older than ten minutes (333444).
    /// </summary>
    public virtual async Task<H5Config> CreateH5ConfigAsync(string url, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"'{url}' is not the absolute http(s) URL of a page.", nameof(url));
        }

        var ticket = await GetJsapiTicketAsync(cancellationToken).ConfigureAwait(false);
        var timestamp = _pipeline.App.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        return new H5Config(_pipeline.App.Options.AppId, timestamp, nonce, JsapiSignature.Compute(ticket.Ticket, nonce, timestamp, url));
    }

    private async Task<CachedToken> FetchTicketAsync(CancellationToken cancellationToken)
    {
        var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Post, TicketPath, TicketPath), FeishuJson.Context.JsapiTicketEnvelope, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(data.Ticket) || data.ExpireIn is not > 0)
        {
            throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of POST {TicketPath} has no ticket or no expire_in.");
        }

        var now = _pipeline.App.TimeProvider.GetUtcNow();
        var lifetime = TimeSpan.FromSeconds(data.ExpireIn.Value);
        var early = lifetime > 2 * RefreshBeforeExpiry ? RefreshBeforeExpiry : lifetime / 2;
        return new CachedToken(data.Ticket, now + lifetime, now + lifetime - early);
    }
}

/// <summary>An app's JSAPI ticket and when Feishu lets it lapse.</summary>
/// <param name="Ticket">Secret: signs H5 pages; never sent to a browser.</param>
/// <param name="ExpiresAt">When it lapses.</param>
public sealed record JsapiTicket(string Ticket, DateTimeOffset ExpiresAt)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"JsapiTicket {{ Ticket = ***, ExpiresAt = {ExpiresAt:O} }}");
}

/// <summary>What an H5 page passes to <c>h5sdk.config</c> (<c>appId</c>, <c>timestamp</c>, <c>nonceStr</c>, <c>signature</c>).</summary>
public sealed record H5Config(string AppId, long Timestamp, string NonceStr, string Signature);

/// <summary><c>data</c> of the ticket answer: note Feishu's field is <c>expire_in</c>, not <c>expires_in</c>.</summary>
internal sealed class JsapiTicketWire
{
    public string? Ticket { get; set; }

    public int? ExpireIn { get; set; }
}
