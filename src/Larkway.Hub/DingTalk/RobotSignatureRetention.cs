using Larkway.DingTalk.Robots;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Hourly, on one replica (lease <c>job/dingtalk-robot-signatures</c>): deletes the outgoing-robot signatures whose
/// timestamp is past DingTalk's hour, with a margin for replicas' clocks that differ a little — such a request no
/// longer verifies, so its row guards nothing. Batched, oldest first.
/// </summary>
internal sealed partial class RobotSignatureRetention(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    TimeProvider time,
    ILogger<RobotSignatureRetention> logger) : IHubJob
{
    /// <summary>Rows one statement deletes at most.</summary>
    public const int BatchSize = 1000;

    /// <summary>Kept past the window, so a replica whose clock is behind the pruning one's still finds the row.</summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public string Name => "dingtalk-robot-signatures";

    /// <inheritdoc />
    public TimeSpan Interval => TimeSpan.FromHours(1);

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var deleted = await PruneAsync(cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogPruned(logger, deleted);
        }
    }

    /// <summary>One pass; returns the rows deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var before = (time.GetUtcNow() - DingTalkRobotSignature.Window - ClockMargin).ToUnixTimeMilliseconds();
        return await StatementBatches.UntilDoneAsync(
            contexts,
            BatchSize,
            db =>
            {
                var rows = db.RobotSignatures;
                var batch = rows.Where(r => r.Timestamp < before).OrderBy(r => r.Timestamp).Take(BatchSize).Select(r => r.Timestamp);
                return rows.Where(r => r.Timestamp < before && batch.Contains(r.Timestamp)).ExecuteDeleteAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = LogEvents.DingTalkRobotSignaturesPruned, Level = LogLevel.Information,
        Message = "DingTalk outgoing-robot signatures past their hour deleted: {Rows}.")]
    private static partial void LogPruned(ILogger logger, int rows);
}
