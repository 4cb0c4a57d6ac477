using Larkway.Hub.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The submit outbox: creates the Feishu instances of approvals left Submitting — a transient failure when accepted, or
/// a Hub that stopped mid-create — with the approval's own uuid, so however often it runs there is one instance.
/// </summary>
internal sealed partial class ApprovalSubmitter(
    ApprovalStore store,
    ApprovalBridge bridge,
    ApprovalSignal signal,
    IOptions<ApprovalOptions> options,
    TimeProvider time,
    ILogger<ApprovalSubmitter> logger)
    : OutboxWorker<ApprovalRow>(signal, time)
{
    protected override int BatchSize => options.Value.BatchSize;

    protected override int Concurrency => options.Value.Concurrency;

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override Task<IReadOnlyList<ApprovalRow>> ClaimAsync(int batchSize, CancellationToken cancellationToken) =>
        store.ClaimSubmitsAsync(batchSize, cancellationToken);

    protected override async Task HandleAsync(ApprovalRow item, CancellationToken stoppingToken)
    {
        try
        {
            await bridge.SubmitAsync(item, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Its claim lapses and the next submitter takes it (same uuid).
        }
        catch (Exception ex)
        {
            LogSubmitFailed(logger, ex, item.Id);
        }
    }

    protected override void OnRoundFailed(Exception exception) => LogRoundFailed(logger, exception);

    [LoggerMessage(EventId = 4620, Level = LogLevel.Error, Message = "Submitting approval {ApprovalId} failed unexpectedly; it is tried again when its claim lapses.")]
    private static partial void LogSubmitFailed(ILogger logger, Exception exception, string approvalId);

    [LoggerMessage(EventId = 4621, Level = LogLevel.Warning, Message = "Could not claim approvals to submit; trying again after the poll interval.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}

/// <summary>Runs the <see cref="ApprovalSubmitter"/> unless <see cref="ApprovalOptions.SubmitterEnabled"/> is false.</summary>
internal sealed class ApprovalSubmitterHost(ApprovalSubmitter submitter, IOptions<ApprovalOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.SubmitterEnabled ? submitter.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        options.Value.SubmitterEnabled ? submitter.StopAsync(cancellationToken) : Task.CompletedTask;
}
