using System.Security.Claims;

namespace Larkway.Hub.Platform.Auth;

/// <summary>
/// Names of the Hub's authentication scheme for API keys and the admin key, its claims and its authorization policies.
/// </summary>
public static class HubAuth
{
    /// <summary>The scheme for <c>Authorization: Bearer &lt;key&gt;</c>: the admin key or a business system's API key.</summary>
    public const string BearerScheme = "Larkway.Bearer";

    /// <summary>The admin key only.</summary>
    public const string AdminPolicy = "larkway.admin";

    /// <summary>The admin key or any valid API key.</summary>
    public const string CallerPolicy = "larkway.caller";

    /// <summary>May send notifications of a type (the resource): the admin key, or an API key whose types allow it.</summary>
    public const string MaySendPolicy = "larkway.may-send";

    /// <summary>The caller's id: <c>admin</c>, or the API key's id.</summary>
    public const string CallerClaim = "larkway:caller";

    /// <summary>The notification types an API key may send (its comma-separated patterns, e.g. <c>purchase_order.*</c>).</summary>
    public const string TypesClaim = "larkway:types";

    /// <summary>The admin key's role.</summary>
    public const string AdminRole = "admin";

    /// <summary>An API key's role.</summary>
    public const string ApiKeyRole = "api_key";

    /// <summary>The id of the admin key as a caller (what resources it creates are recorded under).</summary>
    public const string AdminCallerId = "admin";
}

/// <summary>Who called an API, as the bearer scheme's claims say.</summary>
/// <param name="Id">The admin key's <c>admin</c>, or the API key's id.</param>
/// <param name="IsAdmin">Whether it is the admin key.</param>
/// <param name="Types">For an API key, the notification types it may send.</param>
public sealed record HubCaller(string Id, bool IsAdmin, string? Types)
{
    /// <summary>The caller of a request the bearer scheme authenticated.</summary>
    public static HubCaller Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var id = user.FindFirstValue(HubAuth.CallerClaim) ?? throw new InvalidOperationException("The request was not authenticated by the Hub's bearer scheme.");
        return new HubCaller(id, user.IsInRole(HubAuth.AdminRole), user.FindFirstValue(HubAuth.TypesClaim));
    }

    /// <summary>
    /// The one ownership check: whether this caller may see and change what <paramref name="creator"/> created — the admin
    /// key sees everything, an API key what it created. Another caller's resource is answered 404, so ids cannot be probed.
    /// </summary>
    public bool Owns(string creator) => IsAdmin || string.Equals(Id, creator, StringComparison.Ordinal);
}
