namespace Larkway.Feishu.Bitable;

/// <summary>
/// Sends a record batch in calls Feishu accepts, writing everything that can be written:
/// <list type="bullet">
/// <item>split at the kind's cap (<see cref="BitableOptions"/>), and halved for good on 1254104 (the table's cap is lower);</item>
/// <item>on 1254607 (data not ready): wait, halve the size (remembered per table, doubled back after successes), resend;</item>
/// <item>a chunk refused for what a record holds (<see cref="FeishuErrorCodes.IsBitableRecordError"/>) is split in halves —
/// batches are all-or-nothing — until the bad records stand alone; they are reported, the rest written;</item>
/// <item>anything else stops the batch: what was written and what was not sent are reported exactly.</item>
/// </list>
/// Transient answers (1254290, 1254291, 429, 5xx) are retried inside each call by the pipeline, with the same bytes and
/// so the same <c>client_token</c>.
/// </summary>
/// <typeparam name="TItem">What is sent per record.</typeparam>
/// <typeparam name="TResult">What comes back per record.</typeparam>
internal sealed class BitableBatchRunner<TItem, TResult>
    where TResult : class
{
    private readonly BitableCalls _calls;
    private readonly string _tableId;
    private readonly BitableBatchKind _kind;
    private readonly BitableBatchSize _size;
    private readonly IReadOnlyList<TItem> _items;
    private readonly Func<int, int, CancellationToken, Task<IReadOnlyList<TResult>>> _send;
    private readonly Func<int, FeishuApiException, TResult?> _recover;
    private readonly TResult?[] _results;
    private readonly List<BitableBatchFailure> _failures = [];

    /// <param name="calls">The shared bitable plumbing (options, state, clock, logger).</param>
    /// <param name="appToken">The base.</param>
    /// <param name="tableId">The table.</param>
    /// <param name="kind">Which cap applies.</param>
    /// <param name="configured">The configured cap of <paramref name="kind"/>.</param>
    /// <param name="items">The batch.</param>
    /// <param name="send">Sends items [start, start + count) in one call and returns their results in order.</param>
    /// <param name="recover">For a record refused alone: a result that stands for it (a delete of a record already gone), or null to report it.</param>
    public BitableBatchRunner(BitableCalls calls, string appToken, string tableId, BitableBatchKind kind, int configured, IReadOnlyList<TItem> items,
        Func<int, int, CancellationToken, Task<IReadOnlyList<TResult>>> send, Func<int, FeishuApiException, TResult?>? recover = null)
    {
        _calls = calls;
        _tableId = tableId;
        _kind = kind;
        _size = calls.State.Size(appToken, tableId, kind, configured);
        _items = items;
        _send = send;
        _recover = recover ?? ((_, _) => null);
        _results = new TResult?[items.Count];
    }

    public async Task<IReadOnlyList<TResult>> RunAsync(CancellationToken cancellationToken)
    {
        var position = 0;
        try
        {
            while (position < _items.Count)
            {
                var count = Math.Min(_size.Current, _items.Count - position);
                await ProcessAsync(position, count, 0, cancellationToken).ConfigureAwait(false);
                position += count;
            }
        }
        catch (FeishuApiException ex) when (ex is not BitableBatchException)
        {
            throw Outcome(ex);
        }
        catch (TooManyRefusalsException ex)
        {
            throw Outcome(ex.Last, tooManyRefusals: true);
        }

        if (_failures.Count > 0)
        {
            throw Outcome(null);
        }

        return _results!;
    }

    private async Task ProcessAsync(int start, int count, int dataNotReady, CancellationToken cancellationToken)
    {
        IReadOnlyList<TResult> results;
        try
        {
            results = await _send(start, count, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (ex.Code == FeishuErrorCodes.BitableDataNotReady && dataNotReady < _calls.Options.MaxDataNotReadyRetries)
        {
            var delay = _calls.Options.DataNotReadyDelay;
            var size = _size.DataNotReady(count);
            BitableLog.BatchShrunk(_calls.Logger, _kind.ToString(), _tableId, count, delay.TotalMilliseconds, size);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _calls.Time, cancellationToken).ConfigureAwait(false);
            }

            await SplitAsync(start, count, dataNotReady + 1, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (FeishuApiException ex) when (ex.Code == FeishuErrorCodes.BitableBatchSizeExceeded && count > 1)
        {
            var size = _size.CapExceeded(count);
            BitableLog.BatchCapLowered(_calls.Logger, _kind.ToString(), _tableId, count, size);
            await SplitAsync(start, count, dataNotReady, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (FeishuApiException ex) when (FeishuErrorCodes.IsBitableRecordError(ex.Code))
        {
            if (count > 1 && _calls.Options.BisectRecordErrors)
            {
                var half = count / 2;
                await ProcessAsync(start, half, dataNotReady, cancellationToken).ConfigureAwait(false);
                await ProcessAsync(start + half, count - half, dataNotReady, cancellationToken).ConfigureAwait(false);
                return;
            }

            for (var i = start; i < start + count; i++)
            {
                if (count == 1 && _recover(i, ex) is { } recovered)
                {
                    _results[i] = recovered;
                    continue;
                }

                BitableLog.RecordRefused(_calls.Logger, _kind.ToString(), _tableId, i, ex.Code);
                _failures.Add(new BitableBatchFailure(i, ex));
            }

            if (_failures.Count >= _calls.Options.MaxRecordFailures)
            {
                throw new TooManyRefusalsException(ex);
            }

            return;
        }

        if (results.Count != count)
        {
            throw new FeishuApiException(FeishuErrorCodes.MalformedResponse,
                $"A bitable {_kind} batch of {count} records on table {_tableId} was answered with {results.Count} records.");
        }

        for (var i = 0; i < count; i++)
        {
            _results[start + i] = results[i];
        }

        if (_size.Succeeded(count, _calls.Options.RestoreAfterSuccesses))
        {
            BitableLog.BatchRestored(_calls.Logger, _kind.ToString(), _tableId, _size.Current);
        }
    }

    // Resends rows [start, start + count) at the size as it is now: a part that shrinks it further shrinks the rest too.
    private async Task SplitAsync(int start, int count, int dataNotReady, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < count;)
        {
            var size = Math.Min(_size.Current, count - offset);
            await ProcessAsync(start + offset, size, dataNotReady, cancellationToken).ConfigureAwait(false);
            offset += size;
        }
    }

    private BitableBatchException<TResult> Outcome(FeishuApiException? stoppedBy, bool tooManyRefusals = false)
    {
        var failed = _failures.Select(f => f.Index).ToHashSet();
        var notSent = stoppedBy is null ? [] : Enumerable.Range(0, _items.Count).Where(i => _results[i] is null && !failed.Contains(i)).ToArray();
        var written = _results.Count(r => r is not null);
        var what = $"Bitable {_kind.ToString().ToLowerInvariant()} batch on table {_tableId}: {written} of {_items.Count} records written";
        var msg = tooManyRefusals
            ? $"{what}; stopped after {failed.Count} refused records (Bitable:MaxRecordFailures; the last code {stoppedBy!.Code}: {stoppedBy.ErrorMessage}) with {notSent.Length} not sent."
            : stoppedBy is not null
            ? $"{what}; stopped by code {stoppedBy.Code} ({stoppedBy.ErrorMessage}) with {notSent.Length} not sent{(failed.Count > 0 ? $" and {failed.Count} refused" : "")}."
            : $"{what}; {failed.Count} refused (first: record [{_failures[0].Index}], code {_failures[0].Error.Code}: {_failures[0].Error.ErrorMessage}).";
        return new BitableBatchException<TResult>(stoppedBy?.Code ?? _failures[0].Error.Code, msg, _results, [.. _failures.OrderBy(f => f.Index)], notSent, stoppedBy);
    }

    /// <summary>Stops a batch that has isolated as many refused records as allowed.</summary>
    private sealed class TooManyRefusalsException(FeishuApiException last) : Exception(last.Message, last)
    {
        public FeishuApiException Last { get; } = last;
    }
}
