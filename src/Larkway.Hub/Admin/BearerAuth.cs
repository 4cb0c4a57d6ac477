using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Larkway.Hub.Admin;

/// <summary>The Hub's APIs take their keys as <c>Authorization: Bearer KEY</c>.</summary>
internal static class BearerAuth
{
    /// <summary>The presented key, or null when there is no bearer token.</summary>
    public static string? Token(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        return string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>A 401 problem with the challenge header; <paramref name="detail"/> says which key to send.</summary>
    public static ProblemHttpResult Refuse(HttpContext http, string? presented, string what, string detail)
    {
        http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: presented is null ? $"{what} required" : $"{what} not accepted",
            detail: detail);
    }
}
