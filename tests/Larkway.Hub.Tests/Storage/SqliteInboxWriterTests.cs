using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Inbox;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Tests.Storage;

/// <summary>The inbox's hot path on SQLite: its own connections, pragmas that stay there, background checkpoints.</summary>
public sealed class SqliteInboxWriterTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task The_writers_pragmas_do_not_leak_into_the_connections_EF_Core_uses()
    {
        await using var hub = new HubServices(_db.ConnectionString, TimeProvider.System, o => o.ProcessorEnabled = false);
        for (var i = 0; i < 20; i++)
        {
            await hub.Store.AppendAsync(TestEvents.Custom($"ev_{i}"));
        }

        (await hub.Store.ClaimAsync("p1", 5, TimeSpan.FromMinutes(1))).Count.ShouldBe(5);

        // Automatic checkpoints are off on the writer's connections only; a pooled EF connection keeps the default.
        var contexts = hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>();
        for (var i = 0; i < 3; i++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint;";
            Convert.ToInt64(await command.ExecuteScalarAsync()).ShouldBe(1000);
        }
    }

    [Fact]
    public async Task Appended_events_reach_the_database_file_through_background_checkpoints()
    {
        await using var hub = new HubServices(_db.ConnectionString, TimeProvider.System, o => o.ProcessorEnabled = false);
        await hub.Store.ListAsync(null, null, 1);
        var before = new FileInfo(_db.FilePath).Length;

        // ~1 MB of bodies: with automatic checkpoints off, only the writer's checkpoint loop moves them out of the WAL.
        var padding = new string('x', 2000);
        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => hub.Store.AppendAsync(TestEvents.Inbound(
            $$$"""{"schema":"2.0","header":{"event_id":"ev_{{{i}}}","event_type":"test.custom_v1","create_time":"1","token":"vt","app_id":"cli_test","tenant_key":"tk"},"event":{"pad":"{{{padding}}}"}}"""))));

        await Eventually.TrueAsync(
            () => Task.FromResult(new FileInfo(_db.FilePath).Length > before + 1_000_000),
            "the database file grows as the WAL is checkpointed into it");
    }

    [Fact]
    public async Task A_failed_write_fails_its_batch_only_and_the_next_one_succeeds_on_a_fresh_connection()
    {
        var provider = new SqliteHubStorageProvider(_db.ConnectionString, TimeSpan.FromSeconds(5));
        await using (var hub = new HubServices(_db.ConnectionString, TimeProvider.System, o => o.ProcessorEnabled = false))
        {
            await hub.Store.ListAsync(null, null, 1);
        }

        await using var writer = InboxWriters.For(provider);
        var row = Row("ev_ok");

        // A row that cannot be bound (no body) fails the whole transaction; nothing of it is stored.
        var bad = new InboxAppendRow(new InboxEvent { AppName = "", EventType = "t", Body = null!, Transport = default, State = WorkState.Pending }, ["cli_test/event/ev_bad"]);
        await Should.ThrowAsync<InvalidOperationException>(() => writer.AppendAsync([row, bad], CancellationToken.None));

        var retry = await writer.AppendAsync([Row("ev_ok"), Row("ev_2")], CancellationToken.None);
        retry.Select(r => r.Status).ShouldBe([InboxAppendStatus.Accepted, InboxAppendStatus.Accepted]);
        var again = await writer.AppendAsync([Row("ev_ok")], CancellationToken.None);
        again[0].ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, retry[0].EventId));
    }

    private static InboxAppendRow Row(string eventId) => new(
        new InboxEvent
        {
            AppName = "",
            EventType = "test.custom_v1",
            DedupKey = $"cli_test/event/{eventId}",
            Body = [1, 2, 3],
            Transport = Larkway.Hub.Inbox.InboxTransport.Http,
            State = WorkState.Pending,
            ReceivedAt = DateTimeOffset.UnixEpoch,
            NextAttemptAt = DateTimeOffset.UnixEpoch,
        },
        [$"cli_test/event/{eventId}"]);
}
