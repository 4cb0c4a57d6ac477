using Larkway.Hub.Inbox;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Storage;

/// <summary>
/// What differs between database engines: how the context is configured, one-time pragmas, the
/// inbox's hot writes, and how a unique violation looks. One small implementation per provider; the model and
/// everything else are shared.
/// </summary>
internal interface IHubStorageProvider
{
    /// <summary>Points the context at the database.</summary>
    void Configure(DbContextOptionsBuilder builder);

    /// <summary>Runs after migrations at startup (e.g. SQLite's WAL mode).</summary>
    Task InitializeAsync(HubDbContext db, CancellationToken cancellationToken);

    /// <summary>The inbox's appends, claims and completions in this engine's own SQL; owned (and disposed) by the caller.</summary>
    IInboxWriter CreateInboxWriter();

    /// <summary>True when the exception (or an inner one) is a primary-key or unique-index violation.</summary>
    bool IsUniqueViolation(Exception exception);
}
