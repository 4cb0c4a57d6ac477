using Larkway.Hub.Platform.Leases;

namespace Larkway.Hub.Identity.Sessions;

/// <summary>Deletes the broker's spent rows (codes, grants, refresh tokens, sessions a day past their end) on one replica, hourly.</summary>
internal sealed class SessionPurge(SessionStore sessions) : IHubJob
{
    public string Name => "identity-purge";

    public TimeSpan Interval => TimeSpan.FromHours(1);

    public Task RunAsync(CancellationToken cancellationToken) => sessions.PurgeAsync(cancellationToken);
}
