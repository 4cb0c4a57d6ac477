using System.Globalization;
using Larkway.Hub.AdminConsole.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Larkway.Hub.Platform.Auth;

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

    /// <summary>
    /// A 429 with Retry-After while the caller's address is locked out for presenting wrong keys (checked before any key
    /// is), else null. Keys are 256-bit, so this is about load and log noise more than about guessing.
    /// </summary>
    public static ProblemHttpResult? Locked(HttpContext http)
    {
        if (http.RequestServices.GetService<BearerKeyThrottle>()?.LockedUntil(Address(http)) is not { } until)
        {
            return null;
        }

        var wait = Math.Max(1, (int)Math.Ceiling((until - http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).TotalSeconds));
        http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many wrong keys",
            detail: $"Too many requests with a wrong key came from your address. Try again in {wait} s, with a valid key.");
    }

    /// <summary>The presented key was valid: the address's failures are forgotten.</summary>
    public static void Accepted(HttpContext http) => http.RequestServices.GetService<BearerKeyThrottle>()?.Succeeded(Address(http));

    /// <summary>A 401 problem with the challenge header; <paramref name="detail"/> says which key to send. A wrong key counts against the address.</summary>
    public static ProblemHttpResult Refuse(HttpContext http, string? presented, string what, string detail)
    {
        if (presented is not null)
        {
            http.RequestServices.GetService<BearerKeyThrottle>()?.Failed(Address(http));
        }

        http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: presented is null ? $"{what} required" : $"{what} not accepted",
            detail: detail);
    }

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

/// <summary>
/// Wrong bearer keys per address, on the console's throttle: <c>Larkway:Api:FreeKeyFailures</c> (default 20) wrong keys,
/// then a lockout of a minute that doubles with each further one, up to 15 minutes.
/// </summary>
internal sealed class BearerKeyThrottle(TimeProvider time, IConfiguration configuration)
{
    public const int DefaultFreeFailures = 20;

    private readonly SignInThrottle _throttle = new(time, Math.Max(1, configuration.GetValue("Larkway:Api:FreeKeyFailures", DefaultFreeFailures)));

    public DateTimeOffset? LockedUntil(string address) => _throttle.LockedUntil(address);

    public void Failed(string address) => _throttle.Failed(address);

    public void Succeeded(string address) => _throttle.Succeeded(address);
}
