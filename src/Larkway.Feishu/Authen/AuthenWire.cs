namespace Larkway.Feishu.Authen;

// Wire shapes of the sign-in endpoints (snake_case through FeishuJsonContext; nulls are not written).

/// <summary>The body of <c>POST /open-apis/authen/v2/oauth/token</c>, for either grant.</summary>
internal sealed record OAuthTokenBody(string GrantType, string ClientId, string ClientSecret)
{
    public string? Code { get; init; }

    public string? RedirectUri { get; init; }

    public string? CodeVerifier { get; init; }

    public string? RefreshToken { get; init; }

    public string? Scope { get; init; }
}

/// <summary>
/// A user token answer: the OAuth endpoint's top level (<c>refresh_token_expires_in</c>) or the legacy endpoints'
/// <c>data</c> (<c>refresh_expires_in</c>).
/// </summary>
internal sealed class UserTokenWire
{
    public string? AccessToken { get; set; }

    public long? ExpiresIn { get; set; }

    public string? RefreshToken { get; set; }

    public long? RefreshTokenExpiresIn { get; set; }

    public long? RefreshExpiresIn { get; set; }

    public string? TokenType { get; set; }

    public string? Scope { get; set; }
}

/// <summary>The body of the legacy <c>authen/v1/oidc/*</c> calls.</summary>
internal sealed record LegacyTokenBody(string GrantType)
{
    public string? Code { get; init; }

    public string? RefreshToken { get; init; }
}

/// <summary>The body of <c>mina/v2/tokenLoginValidate</c>.</summary>
internal sealed record MiniProgramLoginBody(string Code);

/// <summary><c>data</c> of <c>mina/v2/tokenLoginValidate</c>: <c>expires_in</c> is a Unix time, <c>employee_id</c> the user_id.</summary>
internal sealed class MiniProgramSessionWire
{
    public string? OpenId { get; set; }

    public string? EmployeeId { get; set; }

    public string? SessionKey { get; set; }

    public string? TenantKey { get; set; }

    public string? AccessToken { get; set; }

    public long? ExpiresIn { get; set; }

    public string? RefreshToken { get; set; }
}
