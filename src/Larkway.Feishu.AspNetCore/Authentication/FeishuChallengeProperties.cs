using Microsoft.AspNetCore.Authentication.OAuth;

namespace Larkway.Feishu.AspNetCore.Authentication;

/// <summary>
/// What one challenge of Feishu sign-in asks for, beyond <see cref="OAuthChallengeProperties.Scope"/>:
/// <see cref="QrLogin"/> sends the browser to Feishu's QR login page instead of the authorize page.
/// </summary>
/// <example>
/// <code>
/// app.MapGet("/login/qr", () => Results.Challenge(new FeishuChallengeProperties { RedirectUri = "/", QrLogin = true }, ["Feishu"]));
/// </code>
/// </example>
public class FeishuChallengeProperties : OAuthChallengeProperties
{
    /// <summary>The parameter key of <see cref="QrLogin"/>.</summary>
    public static readonly string QrLoginKey = "feishu_qr_login";

    /// <summary>Empty properties.</summary>
    public FeishuChallengeProperties()
    {
    }

    /// <summary>Properties with these items (kept through the round trip, like the return URL).</summary>
    public FeishuChallengeProperties(IDictionary<string, string?> items)
        : base(items)
    {
    }

    /// <summary>Properties with these items and parameters (for this challenge only).</summary>
    public FeishuChallengeProperties(IDictionary<string, string?> items, IDictionary<string, object?> parameters)
        : base(items, parameters)
    {
    }

    /// <summary>
    /// Whether the user signs in by scanning a QR code with the Feishu app (the QR SDK's <c>goto</c> page,
    /// <c>/suite/passport/oauth/authorize</c> on the passport host) rather than on the authorize page. That page takes
    /// neither scopes nor PKCE, so the code carries no scopes (no refresh token) and is exchanged without a verifier.
    /// </summary>
    public bool? QrLogin
    {
        get => GetParameter<bool?>(QrLoginKey);
        set => SetParameter(QrLoginKey, value);
    }
}
