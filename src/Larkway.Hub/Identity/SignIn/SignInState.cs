using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>What happens after the sign-in: an app's authorization request goes on, or the console opens.</summary>
/// <param name="Kind"><c>authorize</c> or <c>console</c>.</param>
/// <param name="Parameters">The authorization request's parameters (authorize).</param>
/// <param name="ReturnUrl">The console page to open (console).</param>
internal sealed record SignInContinuation(string Kind, Dictionary<string, string>? Parameters, string? ReturnUrl)
{
    public const string AuthorizeKind = "authorize";
    public const string ConsoleKind = "console";
}

/// <summary>
/// The sign-in's state between requests, carried by the browser but sealed by the Hub's Data Protection key ring
/// (time-limited, purpose <c>Larkway.Hub.Identity.SignIn.v1</c>): nothing to store, nothing a browser can change.
/// </summary>
internal sealed class SignInState(IDataProtectionProvider provider, TimeProvider time)
{
    /// <summary>How long a sign-in may take from the app's request to Feishu's answer.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("Larkway.Hub.Identity.SignIn.v1").ToTimeLimitedDataProtector();

    public string Protect(SignInContinuation continuation) =>
        _protector.Protect(JsonSerializer.Serialize(continuation, IdentityJsonContext.Default.SignInContinuation), time.GetUtcNow() + Lifetime);

    public SignInContinuation? ReadContinuation(string? sealedValue) => Read(sealedValue, IdentityJsonContext.Default.SignInContinuation);

    /// <summary>A leg's browser-bound state (<see cref="SignInCorrelation"/>), sealed for its cookie.</summary>
    public string Protect(SignInCorrelationData correlation) =>
        _protector.Protect(JsonSerializer.Serialize(correlation, IdentityJsonContext.Default.SignInCorrelationData), time.GetUtcNow() + Lifetime);

    /// <summary>The leg's state a cookie holds, or null when it is missing, changed or expired.</summary>
    public SignInCorrelationData? ReadCorrelation(string? sealedValue) => Read(sealedValue, IdentityJsonContext.Default.SignInCorrelationData);

    /// <summary>The sign-out page's form token: the session it may end, sealed (the session cookie alone never ends a session by a cross-site post).</summary>
    public string ProtectLogout(string sessionId) => _protector.Protect("logout:" + sessionId, time.GetUtcNow() + Lifetime);

    /// <summary>The session a sign-out form token names, or null.</summary>
    public string? ReadLogout(string? sealedValue)
    {
        if (string.IsNullOrEmpty(sealedValue) || sealedValue.Length > 4096)
        {
            return null;
        }

        try
        {
            var text = _protector.Unprotect(sealedValue, out var expiration);
            return expiration >= time.GetUtcNow() && text.StartsWith("logout:", StringComparison.Ordinal) ? text["logout:".Length..] : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private T? Read<T>(string? sealedValue, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (string.IsNullOrEmpty(sealedValue) || sealedValue.Length > 16 * 1024)
        {
            return null;
        }

        try
        {
            var json = _protector.Unprotect(sealedValue, out var expiration);
            return expiration < time.GetUtcNow() ? null : JsonSerializer.Deserialize(json, type);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return null;
        }
    }
}
