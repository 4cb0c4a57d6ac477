using System.Xml.Linq;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Tests.Storage;

/// <summary>
/// What the log says about database failures, on each provider: a unique violation the code settles as "already
/// there" writes no warning or error (EF Core's own error line included); one nobody expected still reaches a line
/// that names its cause.
/// </summary>
public abstract class DatabaseFailureLogTests : IAsyncLifetime
{
    private const string QueueName = "test.duplicating";
    private IHubTestDatabase _db = null!;

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    /// <summary>How the provider's unique-violation message reads.</summary>
    protected abstract string UniqueViolationText { get; }

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_key_stored_again_is_settled_as_already_there_without_a_warning_or_an_error()
    {
        var log = new LogCapture();
        await using var hub = await StartAsync(log);
        var repository = new DbXmlRepository(
            hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>(),
            hub.Provider.GetRequiredService<HubDatabaseInitializer>(),
            hub.Provider.GetRequiredService<IHubStorageProvider>(),
            TimeProvider.System);

        // A retried write of the same key: the second insert hits the unique index, which the repository expects.
        repository.StoreElement(new XElement("key", "a"), "key-1");
        repository.StoreElement(new XElement("key", "a"), "key-1");

        repository.GetAllElements().Count.ShouldBe(1);
        log.WarningsOrWorse.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_unique_violation_nobody_expected_is_logged_by_the_queue_worker_with_its_cause()
    {
        var log = new LogCapture();
        await using var hub = await StartAsync(log, s =>
        {
            s.AddSingleton<DuplicatingHandler>();
            s.AddHubQueue<WorkItemRow, DuplicatingHandler>(QueueName, _ => new OneAttempt());
        });
        await using (var db = await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            db.WorkItems.Add(WorkItemRow.Create(QueueName, "k-1", DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }

        var worker = hub.Provider.GetServices<IHostedService>().OfType<QueueWorker<WorkItemRow>>().Single();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(log.Lines.Any(l => l.EventId == LogEvents.QueueHandlerFailed)), "the worker's line for the failed attempt");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        var failed = log.Lines.Single(l => l.EventId == LogEvents.QueueHandlerFailed);
        failed.Level.ShouldBe(LogLevel.Warning);
        failed.Message.ShouldContain(nameof(DbUpdateException));
        failed.Message.ShouldContain(UniqueViolationText);

        // Said once, by the code that knows what it was doing; not again by EF Core at Error with a stack trace.
        log.Lines.ShouldNotContain(l => l.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) && l.Level >= LogLevel.Warning);
    }

    private async Task<HubServices> StartAsync(LogCapture log, Action<IServiceCollection>? services = null)
    {
        var hub = new HubServices(_db, TimeProvider.System, services: s =>
        {
            s.AddSingleton<ILoggerProvider>(log);
            services?.Invoke(s);
        });
        await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
        return hub;
    }

    /// <summary>A handler with a bug: it enqueues its own item's key again, which the unique index refuses.</summary>
    private sealed class DuplicatingHandler(IDbContextFactory<HubDbContext> contexts) : IWorkHandler<WorkItemRow>
    {
        public async Task<WorkOutcome<WorkItemRow>> HandleAsync(WorkItemRow item, CancellationToken cancellationToken)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.WorkItems.Add(WorkItemRow.Create(item.Queue, item.Key, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(cancellationToken);
            return WorkOutcome<WorkItemRow>.Done();
        }
    }

    private sealed class OneAttempt : IQueueOptions
    {
        public bool WorkerEnabled => true;

        public int BatchSize => 1;

        public int Concurrency => 1;

        public TimeSpan LeaseDuration => TimeSpan.FromMinutes(1);

        public TimeSpan PollInterval => TimeSpan.FromMilliseconds(50);

        public RetrySchedule Retry => new([TimeSpan.FromHours(1)], 1);
    }
}

public sealed class SqliteDatabaseFailureLogTests : DatabaseFailureLogTests
{
    protected override string UniqueViolationText => "UNIQUE constraint failed";

    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDatabaseFailureLogTests(PostgresCluster cluster) : DatabaseFailureLogTests
{
    protected override string UniqueViolationText => "23505";

    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
