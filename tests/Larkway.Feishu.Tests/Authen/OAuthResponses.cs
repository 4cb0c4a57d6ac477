using System.Net;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Authen;

/// <summary>Answers of the OAuth token endpoint, shaped as Feishu documents them (top level, no data).</summary>
internal static class OAuthResponses
{
    public static HttpResponseMessage Token(string accessToken, string? refreshToken = null, int expiresIn = 7200, int refreshExpiresIn = 604800, string scope = "contact:user.base:readonly offline_access") =>
        Responses.Json(refreshToken is null
            ? $$"""{"code":0,"access_token":"{{accessToken}}","expires_in":{{expiresIn}},"token_type":"Bearer","scope":"{{scope}}"}"""
            : $$"""{"code":0,"access_token":"{{accessToken}}","expires_in":{{expiresIn}},"refresh_token":"{{refreshToken}}","refresh_token_expires_in":{{refreshExpiresIn}},"token_type":"Bearer","scope":"{{scope}}"}""");

    /// <summary>A failure; <paramref name="code"/> is written as given, so a test can send it as a JSON string ("\"20065\"").</summary>
    public static HttpResponseMessage Error(string code, string error, string description, HttpStatusCode status = HttpStatusCode.BadRequest, params (string Name, string Value)[] headers) =>
        Responses.Json($$"""{"code":{{code}},"error":"{{error}}","error_description":"{{description}}"}""", status, headers);
}
