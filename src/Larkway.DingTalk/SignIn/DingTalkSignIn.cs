using System.Text.Json.Serialization;

namespace Larkway.DingTalk.SignIn;

/// <summary>
/// A person's user access token (<c>POST /v1.0/oauth2/userAccessToken</c>): it acts as the person, so keep it no longer
/// than the calls that need it, and never log it.
/// </summary>
/// <param name="AccessToken">The token, for <c>x-acs-dingtalk-access-token</c> on the person's own calls.</param>
/// <param name="ExpiresIn">How long it lives (DingTalk: 7,200 s).</param>
/// <param name="CorpId">The organisation the person signed in to, when the authorize request asked for the <c>corpid</c> scope.</param>
public sealed record DingTalkUserToken(string AccessToken, TimeSpan ExpiresIn, string? CorpId)
{
    /// <summary>Never the token itself.</summary>
    public override string ToString() => $"DingTalkUserToken {{ ExpiresIn = {ExpiresIn}, CorpId = {CorpId} }}";
}

/// <summary>
/// The signed-in person as <c>GET /v1.0/contact/users/me</c> describes them. The <see cref="UnionId"/> is theirs in every app
/// of the developer; an organisation's userid comes from it with <see cref="Users.DingTalkUsersClient.GetUserIdByUnionIdAsync"/>.
/// Mobile and email are present only when the person granted them.
/// </summary>
public sealed record DingTalkSignedInUser
{
    /// <summary>The person's id across the developer's apps.</summary>
    [JsonPropertyName("unionId")]
    public string UnionId { get; init; } = "";

    /// <summary>The person's id in this app.</summary>
    [JsonPropertyName("openId")]
    public string? OpenId { get; init; }

    /// <summary>The name the person goes by.</summary>
    [JsonPropertyName("nick")]
    public string? Nick { get; init; }

    /// <summary>The avatar's URL.</summary>
    [JsonPropertyName("avatarUrl")]
    public string? AvatarUrl { get; init; }

    /// <summary>The mobile number, when granted.</summary>
    [JsonPropertyName("mobile")]
    public string? Mobile { get; init; }

    /// <summary>The mobile number's country code (<c>86</c>), when granted.</summary>
    [JsonPropertyName("stateCode")]
    public string? StateCode { get; init; }

    /// <summary>The e-mail address, when granted.</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }
}
