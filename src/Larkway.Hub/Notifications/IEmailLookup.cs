namespace Larkway.Hub.Notifications;

/// <summary>
/// Looks people up by email on the app's platform, ahead of sending: what the notifications' recipient settling and the
/// Feishu-only rooms (approvals' people, Bitable's people fields) ask, without naming the platform. Feishu's room supplies
/// it (its contact resolver, which caches what it finds for the sender).
/// </summary>
internal interface IEmailLookup
{
    /// <summary>
    /// Looks up many addresses for the app's bot (<c>""</c>: the default app) in as few calls as the API allows: each
    /// address's id on the platform (an open_id on Feishu: ids differ per app), null when no active person has it.
    /// </summary>
    Task<IReadOnlyDictionary<string, string?>> PrefetchAsync(string appName, IEnumerable<string> emails, CancellationToken cancellationToken);
}
