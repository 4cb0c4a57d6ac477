using System.Text.Json.Serialization;

namespace Larkway.DingTalk.SignIn;

/// <summary><c>POST /v1.0/oauth2/userAccessToken</c>'s body: the app's credentials and the code the browser brought back.</summary>
internal sealed record UserTokenRequest(
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("clientSecret")] string ClientSecret,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("grantType")] string GrantType);

/// <summary><c>POST /v1.0/oauth2/userAccessToken</c>'s answer.</summary>
internal sealed record UserTokenAnswer(
    [property: JsonPropertyName("accessToken")] string? AccessToken,
    [property: JsonPropertyName("refreshToken")] string? RefreshToken,
    [property: JsonPropertyName("expireIn")] long ExpireIn,
    [property: JsonPropertyName("corpId")] string? CorpId);
