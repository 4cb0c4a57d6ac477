using Larkway.Hub.Directory;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Identity.Sessions;

/// <summary>
/// Ends the broker sessions and revokes the grants (refresh tokens included) of people the directory deactivated, as an
/// administrator's sign-out everywhere would: their tokens were already refused on use, and now no session of theirs is
/// listed as live or can be resumed.
/// </summary>
internal sealed partial class SessionsOfDeactivatedPeople(SessionStore sessions, ILogger<SessionsOfDeactivatedPeople> logger) : IDirectoryDeactivationObserver
{
    /// <summary>The reason stored on what was ended.</summary>
    public const string Reason = "deactivated";

    public async Task DeactivatedAsync(IReadOnlyList<string> personIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(personIds);
        foreach (var personId in personIds)
        {
            var ended = await sessions.EndPersonAsync(personId, Reason, cancellationToken).ConfigureAwait(false);
            if (ended > 0)
            {
                LogEnded(logger, ended, personId);
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.IdentitySessionsEndedDeactivated, Level = LogLevel.Information, Message = "Ended {Count} sign-in sessions of {PersonId}: deactivated in the directory.")]
    private static partial void LogEnded(ILogger logger, int count, string personId);
}
