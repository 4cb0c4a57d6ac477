namespace Larkway.Hub.Directory.Links;

/// <summary>
/// One platform's side of people's accounts: what the platform's contacts say about an account (so the directory can tell
/// who wrote), and a direct message to an account (where a link code goes). One per platform, picked by
/// <see cref="Platform"/>; the callers never name a platform.
/// </summary>
internal interface IPlatformAccounts
{
    /// <summary>
    /// The email and mobile number the platform's contacts give for account <paramref name="userId"/> of Hub app
    /// <paramref name="app"/>; null when the platform does not know the account (not a member) or this platform's accounts
    /// are known to the directory another way.
    /// </summary>
    /// <exception cref="PlatformAccountsUnavailableException">The platform could not be asked now.</exception>
    Task<PlatformContact?> ContactAsync(string app, string userId, CancellationToken cancellationToken);

    /// <summary>Sends <paramref name="text"/> as a one-to-one message to account <paramref name="userId"/> of Hub app <paramref name="app"/>.</summary>
    Task SendTextAsync(string app, string userId, string text, CancellationToken cancellationToken);

    /// <summary>
    /// The account of Hub app <paramref name="app"/> whose email (<paramref name="by"/> is <see cref="PersonLinkSource.Email"/>)
    /// or mobile number (<see cref="PersonLinkSource.Mobile"/>) is <paramref name="value"/>; null when the platform's
    /// contacts have none (or the platform looks nobody up that way).
    /// </summary>
    /// <exception cref="PlatformAccountsUnavailableException">The platform could not be asked now.</exception>
    Task<string?> FindUserIdAsync(string app, string by, string value, CancellationToken cancellationToken);
}

/// <summary>Mobile numbers as the mainland platforms look them up.</summary>
internal static class PlatformMobile
{
    /// <summary>
    /// The forms of a number to look up, in order: for a mainland number Feishu holds as <c>+86…</c>, the national form the
    /// mainland platforms expect first, then the number as stored; any other number as stored.
    /// </summary>
    public static IEnumerable<string> LookupForms(string mobile)
    {
        var trimmed = mobile.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (trimmed.StartsWith("+86", StringComparison.Ordinal) && trimmed.Length > 3)
        {
            yield return trimmed[3..];
        }

        yield return trimmed;
    }
}

/// <summary>What a platform's contacts give about an account.</summary>
/// <param name="Emails">The account's emails (its own, its corp mailbox) the app may read, possibly none.</param>
/// <param name="Mobile">The account's mobile number, as the platform writes it, when the app may read it.</param>
internal sealed record PlatformContact(IReadOnlyList<string> Emails, string? Mobile);

/// <summary>A platform's contacts could not be asked now (throttled, unreachable, the app unusable): try again later.</summary>
internal sealed class PlatformAccountsUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
