namespace Larkway.Hub.Apps;

/// <summary>
/// A Feishu user's token set for one app (<c>hub_user_tokens</c>), kept so the Hub can act as that user later. Both
/// tokens are stored protected (<see cref="Platform.DataProtection.HubSecretProtector"/>, a purpose of their own).
/// </summary>
public sealed class HubUserTokenRow
{
    /// <summary>The Feishu app id (<c>cli_…</c>) the tokens were issued to.</summary>
    public string AppId { get; set; } = "";

    /// <summary>Whose tokens: the caller's key for the user (an open_id, or the Hub's person id).</summary>
    public string UserKey { get; set; } = "";

    /// <summary>The user_access_token, protected.</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>When the access token lapses.</summary>
    public DateTimeOffset AccessExpiresAt { get; set; }

    /// <summary>The refresh token, protected; null without <c>offline_access</c>.</summary>
    public string? RefreshToken { get; set; }

    /// <summary>When the refresh token lapses.</summary>
    public DateTimeOffset? RefreshExpiresAt { get; set; }

    /// <summary>The granted scopes, space-separated.</summary>
    public string Scope { get; set; } = "";

    /// <summary>The token type Feishu named (Bearer).</summary>
    public string TokenType { get; set; } = "Bearer";

    /// <summary>When last saved.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
