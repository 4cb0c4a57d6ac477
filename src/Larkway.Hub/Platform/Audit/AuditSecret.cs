using System.Security.Cryptography;
using System.Text;

namespace Larkway.Hub.Platform.Audit;

/// <summary>
/// What an audit entry says became of a secret (an API key, an app secret, a token), never the secret itself: <c>set</c>
/// where there was none (a create), <c>changed</c> only when the new one differs, <c>removed</c>, <c>kept</c>, or
/// <c>none</c> when there is none before or after. One wording for every secret-holding entry, so a create never reads
/// as a change.
/// </summary>
internal static class AuditSecret
{
    public const string Set = "set";

    public const string Changed = "changed";

    public const string Removed = "removed";

    public const string Kept = "kept";

    public const string None = "none";

    /// <summary>The word for a secret that was <paramref name="before"/> (null or empty: none; a create has none) and is <paramref name="after"/>.</summary>
    public static string Describe(string? before, string? after) => (string.IsNullOrEmpty(before), string.IsNullOrEmpty(after)) switch
    {
        (true, true) => None,
        (true, false) => Set,
        (false, true) => Removed,

        // Compared without an early exit, as any secret is.
        _ => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(before!), Encoding.UTF8.GetBytes(after!)) ? Kept : Changed,
    };
}
