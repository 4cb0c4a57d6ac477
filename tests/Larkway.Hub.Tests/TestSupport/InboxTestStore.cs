using Larkway.Feishu.Events.Ingest;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Tests.TestSupport;

/// <summary>
/// The inbox as the tests drive it: appends and reads from <see cref="InboxStore"/>, and each step a worker takes — claim,
/// complete, fail on the inbox's retry schedule, give back, renew, replay — through the <see cref="InboxQueue"/>, deciding
/// as the worker decides.
/// </summary>
public sealed class InboxTestStore(IServiceProvider services)
{
    private readonly InboxStore _store = services.GetRequiredService<InboxStore>();
    private readonly InboxQueue _queue = services.GetRequiredService<InboxQueue>();
    private readonly InboxOptions _options = services.GetRequiredService<IOptions<InboxOptions>>().Value;
    private readonly TimeProvider _time = services.GetRequiredService<TimeProvider>();

    public Task<InboxAppendResult> AppendAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken = default) => _store.AppendAsync(inbound, cancellationToken);

    public Task<InboxEventPage> ListAsync(string? eventType, WorkState? status, int limit, long? beforeId = null, CancellationToken cancellationToken = default) =>
        _store.ListAsync(eventType, status, limit, beforeId, cancellationToken);

    public Task<InboxEvent?> GetAsync(long id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<bool> HasEarlierUnreadInLaneAsync(long eventId, DateTimeOffset since) => _store.HasEarlierUnreadInLaneAsync(eventId, since, CancellationToken.None);

    public Task<IReadOnlyList<InboxEvent>> ClaimAsync(string owner, int batchSize, TimeSpan lease, CancellationToken cancellationToken = default) =>
        _queue.ClaimAsync(owner, batchSize, lease, cancellationToken);

    public Task<bool> CompleteAsync(long id, string owner, CancellationToken cancellationToken = default) =>
        _queue.RecordAsync(id, owner, WorkOutcome<InboxEvent>.Done(), cancellationToken);

    /// <summary>A failed attempt: Retrying after the schedule's delay (or <paramref name="retryAfter"/>), or DeadLetter once the attempts are used up; null when the lease was lost.</summary>
    public async Task<WorkState?> FailAsync(long id, string owner, string error, TimeSpan? retryAfter = null)
    {
        var attempts = (await _store.GetAsync(id))?.Attempts ?? 0;
        var outcome = WorkOutcome<InboxEvent>.Failed(_options.Retry.NextAttempt(_time.GetUtcNow(), attempts, retryAfter), error);
        return await _queue.RecordAsync(id, owner, outcome, CancellationToken.None)
            ? outcome.Kind == WorkOutcomeKind.Retry ? WorkState.Retrying : WorkState.DeadLetter
            : null;
    }

    /// <summary>Gives a claimed event back without using its attempt (as a stopping worker does).</summary>
    public Task<bool> ReleaseAsync(long id, string owner) =>
        _queue.RecordAsync(id, owner, WorkOutcome<InboxEvent>.Defer(_time.GetUtcNow()), CancellationToken.None);

    public Task<int> RenewLeasesAsync(string owner, TimeSpan lease) => _queue.RenewAsync(owner, lease, CancellationToken.None);

    public Task<ReplayResult> ReplayAsync(long id) => _queue.ReplayEventAsync(id, CancellationToken.None);

    public TimeSpan RetryDelay(int attempts) => _options.Retry.DelayAfter(attempts);
}
