namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// Where a piece of background work stands, in every queue: inbox events, notification and webhook deliveries,
/// approval submissions, and each feature to come. Each feature's API names the states in its own words.
/// </summary>
public enum WorkState
{
    /// <summary>Waiting to be claimed once <see cref="IWorkItem.NextAttemptAt"/> has come.</summary>
    Pending,

    /// <summary>Held by a worker until <see cref="IWorkItem.LeaseUntil"/>; an expired lease makes it claimable again.</summary>
    InProgress,

    /// <summary>Handled.</summary>
    Done,

    /// <summary>The last attempt failed for a reason that may pass; tried again at <see cref="IWorkItem.NextAttemptAt"/>.</summary>
    Retrying,

    /// <summary>Failed for good (refused, or out of attempts); only a replay brings it back.</summary>
    DeadLetter,
}
