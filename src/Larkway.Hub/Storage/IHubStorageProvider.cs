using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Storage;

/// <summary>
/// What differs between database engines: how the context is configured, one-time pragmas, atomic
/// claiming, and how a unique violation looks. One small implementation per provider; the model and
/// everything else are shared.
/// </summary>
internal interface IHubStorageProvider
{
    /// <summary>Points the context at the database.</summary>
    void Configure(DbContextOptionsBuilder builder);

    /// <summary>Runs after migrations at startup (e.g. SQLite's WAL mode).</summary>
    Task InitializeAsync(HubDbContext db, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically moves up to <paramref name="batchSize"/> claimable inbox rows (Pending or Failed and due,
    /// or InProgress with an expired lease) to InProgress under <paramref name="owner"/>'s lease, counting an
    /// attempt, and returns their ids in id order. A row is claimed by exactly one caller, across processes.
    /// </summary>
    Task<IReadOnlyList<long>> ClaimInboxAsync(
        HubDbContext db, string owner, int batchSize, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>True when the exception (or an inner one) is a primary-key or unique-index violation.</summary>
    bool IsUniqueViolation(Exception exception);
}
