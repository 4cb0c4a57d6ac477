using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Inbox;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Tests.Storage;

/// <summary>
/// The PostgreSQL writer where another replica's transaction is in the way, made deterministic by holding that
/// transaction open on a connection of the test's own.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresInboxWriterTests(PostgresCluster cluster) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private IHubTestDatabase _db = null!;
    private HubServices _hub = null!;
    private IInboxWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _db = await cluster.CreateTestDatabaseAsync();
        _hub = new HubServices(_db, new ManualTimeProvider(), o => o.ProcessorEnabled = false);
        await _hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
        _writer = InboxWriters.For(_hub.Provider.GetRequiredService<IHubStorageProvider>());
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _hub.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task An_append_racing_another_replicas_uncommitted_copy_waits_and_answers_duplicate_with_its_id()
    {
        await using var other = new NpgsqlConnection(_db.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        var theirs = await ScalarAsync<long>(other, """
            INSERT INTO inbox_events (app_name, event_type, body, transport, received_at, status, attempts, next_attempt_at)
            VALUES ('', 't', '\x00', 'Http', 0, 'Pending', 0, 0) RETURNING id
            """);
        await ScalarAsync<int>(other, $"INSERT INTO inbox_dedup_keys (key, event_id) VALUES ('k2', {theirs}) RETURNING 1");

        // The lookup cannot see the uncommitted key, so the insert runs and waits on it.
        var append = _writer.AppendAsync([Row("k1", "k2")], CancellationToken.None);
        await Task.Delay(200);
        append.IsCompleted.ShouldBeFalse();
        await transaction.CommitAsync();

        var result = (await append).ShouldHaveSingleItem();
        result.ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, theirs));
        await using var check = new NpgsqlConnection(_db.ConnectionString);
        await check.OpenAsync();
        (await ScalarAsync<long>(check, "SELECT count(*) FROM inbox_events")).ShouldBe(1);
        (await ScalarAsync<string>(check, "SELECT string_agg(key, ',' ORDER BY key) FROM inbox_dedup_keys")).ShouldBe("k2"); // k1 went with the undone row
    }

    [Fact]
    public async Task An_append_whose_rival_rolls_back_is_stored()
    {
        await using var other = new NpgsqlConnection(_db.ConnectionString);
        await other.OpenAsync();
        var transaction = await other.BeginTransactionAsync();
        var theirs = await ScalarAsync<long>(other, """
            INSERT INTO inbox_events (app_name, event_type, body, transport, received_at, status, attempts, next_attempt_at)
            VALUES ('', 't', '\x00', 'Http', 0, 'Pending', 0, 0) RETURNING id
            """);
        await ScalarAsync<int>(other, $"INSERT INTO inbox_dedup_keys (key, event_id) VALUES ('k1', {theirs}) RETURNING 1");

        var append = _writer.AppendAsync([Row("k1")], CancellationToken.None);
        await Task.Delay(200);
        await transaction.RollbackAsync();
        await transaction.DisposeAsync();

        var result = (await append).ShouldHaveSingleItem();
        result.Status.ShouldBe(InboxAppendStatus.Accepted);
        result.EventId.ShouldNotBe(theirs);
    }

    [Fact]
    public async Task Keys_taken_earlier_in_the_same_call_make_later_rows_duplicates_of_the_first()
    {
        var results = await _writer.AppendAsync([Row("a", "m"), Row("b", "m"), Row("a"), Row()], CancellationToken.None);

        results[0].Status.ShouldBe(InboxAppendStatus.Accepted);
        results[1].ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, results[0].EventId));
        results[2].ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, results[0].EventId));
        results[3].Status.ShouldBe(InboxAppendStatus.Accepted);
        results[3].EventId.ShouldBeGreaterThan(results[0].EventId);
    }

    [Fact]
    public async Task A_claim_skips_rows_another_replica_has_locked()
    {
        var appended = await _writer.AppendAsync([Row("e1"), Row("e2"), Row("e3")], CancellationToken.None);
        await using var other = new NpgsqlConnection(_db.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await ScalarAsync<long>(other, $"SELECT id FROM inbox_events WHERE id = {appended[0].EventId} FOR UPDATE");

        var claimed = await _writer.ClaimAsync("B", 10, Now, Now.AddMinutes(1), CancellationToken.None);

        claimed.Select(e => e.Id).ShouldBe([appended[1].EventId, appended[2].EventId]);
        claimed.ShouldAllBe(e => e.LeaseOwner == "B" && e.Attempts == 1 && e.Body.Length == 1 && e.LeaseUntil == Now.AddMinutes(1));
    }

    [Fact]
    public async Task Completions_in_one_call_each_check_their_own_owner()
    {
        var appended = await _writer.AppendAsync([Row("e1"), Row("e2")], CancellationToken.None);
        var a = await _writer.ClaimAsync("A", 1, Now, Now.AddMinutes(1), CancellationToken.None);
        var b = await _writer.ClaimAsync("B", 1, Now, Now.AddMinutes(1), CancellationToken.None);

        var done = await _writer.CompleteAsync(
            [new InboxCompletion(a[0].Id, "A"), new InboxCompletion(b[0].Id, "A"), new InboxCompletion(12345, "A")], Now, CancellationToken.None);

        done.ShouldBe(new HashSet<long> { appended[0].EventId });
        (await _hub.Store.GetAsync(b[0].Id))!.State.ShouldBe(WorkState.InProgress);
    }

    private static InboxAppendRow Row(params string[] keys) => new(new InboxEvent
    {
        AppName = "",
        EventType = TestEvents.CustomType,
        DedupKey = keys.Length > 0 ? keys[0] : null,
        Body = [1],
        ReceivedAt = Now,
        State = WorkState.Pending,
        NextAttemptAt = Now,
    }, keys);

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
