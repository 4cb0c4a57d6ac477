using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Identity.Keys;

/// <summary>
/// Rotates the broker's signing keys on one replica at a time (lease <c>job/identity-signing-keys</c>): makes the next
/// key ahead of time and deletes keys whose tokens have all expired. Hourly; a run that finds nothing due changes nothing.
/// </summary>
internal sealed partial class SigningKeyRotation(SigningKeys keys, ILogger<SigningKeyRotation> logger) : IHubJob
{
    public string Name => "identity-signing-keys";

    public TimeSpan Interval => TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var (created, deleted) = await keys.RotateAsync(cancellationToken).ConfigureAwait(false);
        if (created || deleted > 0)
        {
            LogRotated(logger, created, deleted);
        }
    }

    [LoggerMessage(EventId = LogEvents.IdentityKeysRotated, Level = LogLevel.Information, Message = "Signing keys rotated: next key created {Created}, retired keys deleted {Deleted}.")]
    private static partial void LogRotated(ILogger logger, bool created, int deleted);
}
