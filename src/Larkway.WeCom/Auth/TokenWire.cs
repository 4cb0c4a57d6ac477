using System.Text.Json.Serialization;

namespace Larkway.WeCom.Auth;

/// <summary><c>GET /cgi-bin/gettoken</c>'s answer (errcode 0).</summary>
internal sealed record TokenAnswer(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);
