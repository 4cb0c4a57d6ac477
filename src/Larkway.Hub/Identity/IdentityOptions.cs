using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity;

/// <summary>The sign-in broker (OpenID Connect provider) settings, bound from <c>Larkway:Identity</c>.</summary>
public sealed class IdentityOptions : IValidatableObject
{
    public const string SectionName = "Larkway:Identity";

    /// <summary>Longest lifetime any setting accepts.</summary>
    private static readonly TimeSpan MaxSetting = TimeSpan.FromDays(366);

    /// <summary>
    /// The issuer: the Hub's public origin as apps reach it (<c>https://hub.example.com</c>, no path). Unset: the Hub's
    /// public URL (<c>Larkway:PublicUrl</c>), else the origin of each request — then discovery is answered
    /// <c>Cache-Control: no-store</c>, since the caller chooses the Host header (set one of the two in production).
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Dynamic client registration (RFC 7591) at <c>/oidc/register</c>, with the admin key as the initial access token.
    /// Default on; off, the route does not exist (404) and discovery names no <c>registration_endpoint</c>.
    /// </summary>
    public bool DynamicRegistration { get; set; } = true;

    /// <summary>
    /// The Hub app whose Feishu sign-in the broker uses: <c>""</c> (or <c>default</c>) for the default app. The same as
    /// <c>SignInApps:feishu</c>, which wins when both are set.
    /// </summary>
    public string FeishuApp { get; set; } = "";

    /// <summary>
    /// The Hub app each platform's sign-in uses, by platform (<c>SignInApps:dingtalk = "dt-main"</c>). A platform not named
    /// signs in with its only stored app, and offers no button when it has none or several.
    /// </summary>
    public IDictionary<string, string> SignInApps { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Email domains the company controls (<c>example.com</c>). An email in one of them is sent with
    /// <c>email_verified: true</c>; any other is sent unverified, because Feishu's emails are typed in by administrators.
    /// </summary>
    public IList<string> VerifiedEmailDomains { get; } = [];

    /// <summary>How long an authorization code may be redeemed. Default 1 minute (RFC 6749 advises at most 10).</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Access tokens (JWTs) live this long. Default 10 minutes.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>id_tokens live this long. Default 10 minutes.</summary>
    public TimeSpan IdTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A refresh token not used for this long lapses. Default 14 days.</summary>
    public TimeSpan RefreshTokenIdleLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>No refresh token of a grant lives longer than this after sign-in. Default 30 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The broker's sign-in session (its cookie) lasts this long. Default 12 hours.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary><c>RS256</c> (default: every OpenID Connect library takes it) or <c>ES256</c> for new signing keys.</summary>
    public string SigningAlgorithm { get; set; } = "RS256";

    /// <summary>A signing key signs this long before the next one takes over. Default 30 days.</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// A new key is published this long before it signs, so relying parties that cache the JWKS have it by then.
    /// Default 1 day.
    /// </summary>
    public TimeSpan KeyPrepublish { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Leeway for clocks: a retired key stays published this much longer than its last token lives. Default 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a retired key stays published after it stopped signing: longer than any token it signed lives.</summary>
    internal TimeSpan KeyRetention => (AccessTokenLifetime > IdTokenLifetime ? AccessTokenLifetime : IdTokenLifetime) + ClockSkew;

    /// <summary>The default app's name in this setting.</summary>
    internal string FeishuAppName => AppName(FeishuApp);

    /// <summary>The app <see cref="SignInApps"/> names for <paramref name="platform"/> (<c>""</c> for the default app), or null.</summary>
    internal string? SignInAppOf(string platform) => SignInApps.TryGetValue(platform, out var app) ? AppName(app) : null;

    private static string AppName(string app) => string.Equals(app, "default", StringComparison.Ordinal) ? "" : app;

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Issuer)
            && (!Uri.TryCreate(Issuer, UriKind.Absolute, out var issuer) || (issuer.Scheme != Uri.UriSchemeHttps && issuer.Scheme != Uri.UriSchemeHttp)
                || issuer.AbsolutePath != "/" || !string.IsNullOrEmpty(issuer.Query) || !string.IsNullOrEmpty(issuer.Fragment) || !string.IsNullOrEmpty(issuer.UserInfo)))
        {
            yield return new($"{SectionName}:Issuer must be the Hub's origin as apps reach it, e.g. https://hub.example.com (http or https, no path, query or fragment).", [nameof(Issuer)]);
        }

        foreach (var (name, value, min) in new[]
        {
            (nameof(CodeLifetime), CodeLifetime, TimeSpan.FromSeconds(10)),
            (nameof(AccessTokenLifetime), AccessTokenLifetime, TimeSpan.FromMinutes(1)),
            (nameof(IdTokenLifetime), IdTokenLifetime, TimeSpan.FromMinutes(1)),
            (nameof(RefreshTokenIdleLifetime), RefreshTokenIdleLifetime, TimeSpan.FromMinutes(1)),
            (nameof(RefreshTokenLifetime), RefreshTokenLifetime, TimeSpan.FromMinutes(1)),
            (nameof(SessionLifetime), SessionLifetime, TimeSpan.FromMinutes(1)),
            (nameof(KeyRotationInterval), KeyRotationInterval, TimeSpan.FromMinutes(1)),
            (nameof(KeyPrepublish), KeyPrepublish, TimeSpan.Zero),
            (nameof(ClockSkew), ClockSkew, TimeSpan.Zero),
        })
        {
            if (value < min || value > MaxSetting)
            {
                yield return new($"{SectionName}:{name} must be from {min} to 366 days (a TimeSpan such as 00:10:00 or 30.00:00:00).", [name]);
            }
        }

        if (CodeLifetime > TimeSpan.FromMinutes(10))
        {
            yield return new($"{SectionName}:CodeLifetime must be at most 10 minutes (RFC 6749 §4.1.2).", [nameof(CodeLifetime)]);
        }

        if (SigningAlgorithm is not ("RS256" or "ES256"))
        {
            yield return new($"{SectionName}:SigningAlgorithm must be RS256 or ES256.", [nameof(SigningAlgorithm)]);
        }

        if (KeyRotationInterval <= KeyRetention)
        {
            yield return new($"{SectionName}:KeyRotationInterval must be longer than the longest token lifetime plus ClockSkew, so at most two keys are in use at once.", [nameof(KeyRotationInterval)]);
        }

        foreach (var domain in VerifiedEmailDomains)
        {
            if (string.IsNullOrWhiteSpace(domain) || domain.Contains('@', StringComparison.Ordinal) || Uri.CheckHostName(domain.Trim()) != UriHostNameType.Dns)
            {
                yield return new($"{SectionName}:VerifiedEmailDomains: '{domain}' is not a domain name (write example.com, without '@').", [nameof(VerifiedEmailDomains)]);
            }
        }
    }
}

/// <summary>Checks <see cref="IdentityOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class IdentityOptionsValidator : IValidateOptions<IdentityOptions>;
