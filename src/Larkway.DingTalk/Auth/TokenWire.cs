using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Auth;

/// <summary><c>POST /v1.0/oauth2/accessToken</c>'s body.</summary>
internal sealed record NewTokenRequest([property: JsonPropertyName("appKey")] string AppKey, [property: JsonPropertyName("appSecret")] string AppSecret);

/// <summary><c>POST /v1.0/oauth2/accessToken</c>'s answer: the token and its lifetime in seconds.</summary>
internal sealed record NewTokenAnswer(
    [property: JsonPropertyName("accessToken")] string? AccessToken,
    [property: JsonPropertyName("expireIn")] long ExpireIn);

/// <summary><c>GET /gettoken</c>'s answer (errcode 0).</summary>
internal sealed record OldTokenAnswer(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);
