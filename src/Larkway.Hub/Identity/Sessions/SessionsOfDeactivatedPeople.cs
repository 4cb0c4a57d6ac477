using Larkway.Hub.Directory;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Identity.Sessions;

/// <summary>
/// Ends the broker sessions and revokes the grants (refresh tokens included) of people the directory deactivates, in the
/// directory's transaction, as an administrator's sign-out everywhere would: their tokens were already refused on use,
/// and now no session of theirs is listed as live or can be resumed.
/// </summary>
internal sealed partial class SessionsOfDeactivatedPeople(ILogger<SessionsOfDeactivatedPeople> logger) : IDirectoryDeactivationObserver
{
    /// <summary>The reason stored on what was ended.</summary>
    public const string Reason = "deactivated";

    public async Task DeactivatedAsync(HubDbContext db, IReadOnlyList<string> personIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(personIds);
        var ended = await SessionStore.EndPeopleAsync(db, personIds, Reason, at, cancellationToken).ConfigureAwait(false);
        if (ended > 0)
        {
            LogEnded(logger, ended, personIds.Count);
        }
    }

    [LoggerMessage(EventId = LogEvents.IdentitySessionsEndedDeactivated, Level = LogLevel.Information, Message = "Ended {Count} sign-in sessions of {People} people deactivated in the directory.")]
    private static partial void LogEnded(ILogger logger, int count, int people);
}
