namespace Larkway.Feishu.Bitable;

/// <summary>One record of a batch that was refused.</summary>
/// <param name="Index">Its position in the batch given.</param>
/// <param name="Error">Feishu's answer for it alone (the batch was split until it stood alone).</param>
public sealed record BitableBatchFailure(int Index, FeishuApiException Error);

/// <summary>
/// A record batch that did not go through whole: some records were refused (<see cref="Failures"/>, each isolated by
/// splitting the batch), or the batch stopped on an error that is no record's fault (<see cref="Exception.InnerException"/>) and
/// left <see cref="NotSent"/> unsent. <see cref="Succeeded"/> lists what was written — nothing else was — so the
/// caller can resume exactly. <see cref="FeishuApiException.Code"/> is the stopping error's, or the first refusal's.
/// </summary>
public class BitableBatchException : FeishuApiException
{
    /// <summary>A batch outcome.</summary>
    public BitableBatchException(int code, string errorMessage, IReadOnlyList<int> succeeded, IReadOnlyList<BitableBatchFailure> failures, IReadOnlyList<int> notSent, FeishuApiException? stoppedBy)
        : base(code, errorMessage, stoppedBy?.HttpStatus, stoppedBy?.RequestId ?? (failures.Count > 0 ? failures[0].Error.RequestId : null), stoppedBy)
    {
        Succeeded = succeeded;
        Failures = failures;
        NotSent = notSent;
    }

    /// <summary>The positions of the records written (in the batch given).</summary>
    public IReadOnlyList<int> Succeeded { get; }

    /// <summary>The records refused, each with its own error.</summary>
    public IReadOnlyList<BitableBatchFailure> Failures { get; }

    /// <summary>The positions of the records not sent because the batch stopped.</summary>
    public IReadOnlyList<int> NotSent { get; }
}

/// <summary>A <see cref="BitableBatchException"/> with the results of the records written.</summary>
/// <typeparam name="T">What the batch returns per record.</typeparam>
public sealed class BitableBatchException<T> : BitableBatchException
    where T : class
{
    /// <summary>A batch outcome with its results.</summary>
    public BitableBatchException(int code, string errorMessage, IReadOnlyList<T?> results, IReadOnlyList<BitableBatchFailure> failures, IReadOnlyList<int> notSent, FeishuApiException? stoppedBy)
        : base(code, errorMessage, Positions(results), failures, notSent, stoppedBy) => Results = results;

    /// <summary>Per position in the batch given: the result, or null where nothing was written.</summary>
    public IReadOnlyList<T?> Results { get; }

    private static int[] Positions(IReadOnlyList<T?> results) => Enumerable.Range(0, results.Count).Where(i => results[i] is not null).ToArray();
}
