using Larkway.Hub.Platform.Auth.ApiKeys;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Larkway.Hub.Platform.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>: the Hub's admin key (role <c>admin</c>) or a business system's
/// API key (role <c>api_key</c>, with the types it may send). It runs before any endpoint reads a body, so a request
/// without a valid key costs the Hub its headers only. Wrong keys count against the caller's address, which is locked
/// out for a while after too many (429 with Retry-After). Its answers are problem+json that say what to send: a
/// challenge is 401 naming the key the endpoint takes, a refusal 403 naming what only the admin key does.
/// </summary>
internal sealed class BearerKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    HubAdminKey adminKey,
    BearerKeyThrottle throttle,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private DateTimeOffset? _lockedUntil;
    private bool _presented;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Token(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        _presented = true;
        var address = Address(Context);
        if (throttle.LockedUntil(address) is { } until)
        {
            _lockedUntil = until;
            return AuthenticateResult.Fail("Too many wrong keys from this address.");
        }

        ClaimsIdentity? identity = null;
        if (token.StartsWith(ApiKeyStore.SecretPrefix, StringComparison.Ordinal))
        {
            if (Context.RequestServices.GetService<ApiKeyStore>() is { } keys
                && await keys.FindAsync(token, Context.RequestAborted).ConfigureAwait(false) is { } key)
            {
                identity = Identity(key.Id, HubAuth.ApiKeyRole, (HubAuth.TypesClaim, key.Types));
            }
        }

        // An admin key chosen with the API keys' prefix (LARKWAY_ADMIN_KEY=lk_…) is still the admin key.
        if (identity is null && await adminKey.VerifyAsync(token, Context.RequestAborted).ConfigureAwait(false))
        {
            identity = Identity(HubAuth.AdminCallerId, HubAuth.AdminRole);
        }

        if (identity is null)
        {
            throttle.Failed(address);
            return AuthenticateResult.Fail("The key is not the admin key or a valid API key.");
        }

        throttle.Succeeded(address);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await AuthenticateAsync().ConfigureAwait(false);
        if (_lockedUntil is { } until)
        {
            var wait = Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalSeconds));
            Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many wrong keys",
                detail: $"Too many requests with a wrong key came from your address. Try again in {wait} s, with a valid key.").ExecuteAsync(Context).ConfigureAwait(false);
            return;
        }

        var hint = Context.GetEndpoint()?.Metadata.GetMetadata<HubKeyHint>() ?? HubKeyHint.AnyKey;
        // RFC 6750 §3.1: a key that was sent and refused is invalid_token; none sent, no error code.
        Response.Headers[HeaderNames.WWWAuthenticate] = _presented ? "Bearer error=\"invalid_token\"" : "Bearer";
        await TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: _presented ? $"{hint.Key} not accepted" : $"{hint.Key} required",
            detail: hint.Send).ExecuteAsync(Context).ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var hint = Context.GetEndpoint()?.Metadata.GetMetadata<HubKeyHint>();
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
            detail: hint?.OnlyAdmin is { } what ? $"Only the admin key {what}." : "This key may not do this.").ExecuteAsync(Context);
    }

    /// <summary>The presented key, or null when there is no bearer token.</summary>
    internal static string? Token(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        return string.IsNullOrEmpty(token) ? null : token;
    }

    private ClaimsIdentity Identity(string caller, string role, params (string Type, string Value)[] claims)
    {
        var identity = new ClaimsIdentity(Scheme.Name, HubAuth.CallerClaim, ClaimTypes.Role);
        identity.AddClaim(new Claim(HubAuth.CallerClaim, caller));
        identity.AddClaim(new Claim(ClaimTypes.Role, role));
        foreach (var (type, value) in claims)
        {
            identity.AddClaim(new Claim(type, value));
        }

        return identity;
    }

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

/// <summary>
/// Endpoint metadata for the bearer scheme's answers: which key the endpoint takes and how to send it (the 401), and what
/// only the admin key does there (the 403).
/// </summary>
/// <param name="Key">"Admin key" or "API key".</param>
/// <param name="Send">What to send, for the 401.</param>
/// <param name="OnlyAdmin">What only the admin key does, for the 403 ("manages webhooks").</param>
public sealed record HubKeyHint(string Key, string Send, string? OnlyAdmin = null)
{
    /// <summary>Endpoints that take an API key or the admin key.</summary>
    public static HubKeyHint AnyKey { get; } = new("API key",
        "Send 'Authorization: Bearer <key>' with an API key the Hub's administrator created (POST /api/v1/api-keys), or the admin key. Revoked keys are refused.");

    /// <summary>Endpoints only the admin key may call.</summary>
    public static HubKeyHint AdminKey(string onlyAdmin) => new("Admin key", "Send the Hub's admin key as 'Authorization: Bearer <key>'.", onlyAdmin);
}

/// <summary>
/// Wrong bearer keys per address, on the console's throttle: <c>Larkway:Api:FreeKeyFailures</c> (default 20) wrong keys,
/// then a lockout of a minute that doubles with each further one, up to 15 minutes.
/// </summary>
internal sealed class BearerKeyThrottle(TimeProvider time, Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    public const int DefaultFreeFailures = 20;

    private readonly SignInThrottle _throttle = new(time, Math.Max(1, Microsoft.Extensions.Configuration.ConfigurationBinder.GetValue(configuration, "Larkway:Api:FreeKeyFailures", DefaultFreeFailures)));

    public DateTimeOffset? LockedUntil(string address) => _throttle.LockedUntil(address);

    public void Failed(string address) => _throttle.Failed(address);

    public void Succeeded(string address) => _throttle.Succeeded(address);
}
