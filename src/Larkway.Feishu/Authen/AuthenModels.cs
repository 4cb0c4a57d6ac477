using System.Globalization;

namespace Larkway.Feishu.Authen;

/// <summary>
/// A user's token set: the user access token, and the refresh token that replaces it when the user granted
/// <c>offline_access</c>. This is what a token store keeps per user. <see cref="ToString"/> never shows a token.
/// </summary>
/// <param name="AccessToken">Secret: the <c>user_access_token</c>, sent as <c>Authorization: Bearer …</c> on calls made as the user (1–2 KB; keep 4 KB).</param>
/// <param name="ExpiresAt">When the access token lapses (from <c>expires_in</c>, counted from when it was asked for).</param>
/// <param name="RefreshToken">Secret and single-use: replaced by every refresh. Null without <c>offline_access</c>.</param>
/// <param name="RefreshTokenExpiresAt">When the refresh token lapses (from <c>refresh_token_expires_in</c>); null when unknown or absent.</param>
/// <param name="Scope">The granted scopes, space-separated, as Feishu returned them.</param>
public sealed record FeishuUserToken(string AccessToken, DateTimeOffset ExpiresAt, string? RefreshToken, DateTimeOffset? RefreshTokenExpiresAt, string Scope)
{
    /// <summary>The <c>token_type</c> (always <c>Bearer</c>).</summary>
    public string TokenType { get; init; } = "Bearer";

    /// <summary>The granted scopes, one per entry.</summary>
    public IReadOnlyList<string> Scopes => Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Whether the refresh token exists and has not lapsed at <paramref name="now"/>.</summary>
    public bool CanRefreshAt(DateTimeOffset now) => RefreshToken is { Length: > 0 } && (RefreshTokenExpiresAt is not { } lapses || now < lapses);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"FeishuUserToken {{ AccessToken = ***, ExpiresAt = {ExpiresAt:O}, RefreshToken = {(RefreshToken is null ? "none" : "***")}, RefreshTokenExpiresAt = {RefreshTokenExpiresAt:O}, Scope = {Scope} }}");
}

/// <summary>The signed-in user (<c>GET /open-apis/authen/v1/user_info</c>); fields without their scope are null.</summary>
/// <remarks>Email and mobile are typed in by administrators and not verified by Feishu: do not treat them as proof of identity.</remarks>
public sealed record UserInfo
{
    /// <summary>The user's name.</summary>
    public string? Name { get; init; }

    /// <summary>The English name.</summary>
    public string? EnName { get; init; }

    /// <summary>The avatar URL.</summary>
    public string? AvatarUrl { get; init; }

    /// <summary>The avatar, 72×72.</summary>
    public string? AvatarThumb { get; init; }

    /// <summary>The avatar, 240×240.</summary>
    public string? AvatarMiddle { get; init; }

    /// <summary>The avatar, 640×640.</summary>
    public string? AvatarBig { get; init; }

    /// <summary>The user's id within this app.</summary>
    public string? OpenId { get; init; }

    /// <summary>The user's id across the developer's apps.</summary>
    public string? UnionId { get; init; }

    /// <summary>Needs <c>contact:user.email:readonly</c>.</summary>
    public string? Email { get; init; }

    /// <summary>The enterprise mailbox; needs <c>contact:user.employee:readonly</c>.</summary>
    public string? EnterpriseEmail { get; init; }

    /// <summary>The tenant's user id; needs <c>contact:user.employee_id:readonly</c>.</summary>
    public string? UserId { get; init; }

    /// <summary>Needs <c>contact:user.phone:readonly</c>.</summary>
    public string? Mobile { get; init; }

    /// <summary>The user's tenant.</summary>
    public string? TenantKey { get; init; }

    /// <summary>The employee number.</summary>
    public string? EmployeeNo { get; init; }
}

/// <summary>
/// A mini-program sign-in (<c>mina/v2/tokenLoginValidate</c>, code2session). <see cref="ToString"/> never shows the
/// session key or a token.
/// </summary>
/// <param name="OpenId">The user's id within this app.</param>
/// <param name="UserId">The tenant's user id (<c>employee_id</c> on the wire); needs <c>contact:user.employee_id:readonly</c>.</param>
/// <param name="SessionKey">Secret: the session key.</param>
/// <param name="TenantKey">The user's tenant.</param>
/// <param name="AccessToken">Secret: a user access token.</param>
/// <param name="ExpiresAt">When the access token lapses: the wire's <c>expires_in</c> is an absolute Unix time, not a duration.</param>
/// <param name="RefreshToken">Secret: a legacy (v1) refresh token, valid 30 days; refresh it with <see cref="AuthenClient.RefreshUserTokenLegacyAsync"/>.</param>
public sealed record MiniProgramSession(
    string OpenId, string? UserId, string SessionKey, string? TenantKey, string AccessToken, DateTimeOffset ExpiresAt, string? RefreshToken)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"MiniProgramSession {{ OpenId = {OpenId}, UserId = {UserId}, SessionKey = ***, TenantKey = {TenantKey}, AccessToken = ***, ExpiresAt = {ExpiresAt:O}, RefreshToken = {(RefreshToken is null ? "none" : "***")} }}");
}
