using System.Data.Common;
using System.Globalization;
using Larkway.Hub.BitableSync;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Larkway.Hub.Tests.BitableSync;

/// <summary>
/// The capture triggers a sync installs on its table: each pass prepares them, so a pass that finds them in place must
/// change nothing, and two syncs keying one table differently must each have their own.
/// </summary>
public abstract class SyncCaptureTriggerTests
{
    protected abstract Task<string> DatabaseAsync();

    protected abstract bool Postgres { get; }

    /// <summary>Something that moves whenever a trigger is created or dropped.</summary>
    protected abstract string SchemaStampSql { get; }

    /// <summary>A trigger as it was named before triggers were named by key: one per table.</summary>
    protected abstract string LegacyTriggerSql { get; }

    [Fact]
    public async Task A_pass_that_finds_its_triggers_in_place_changes_no_schema()
    {
        var (database, connection) = await OrdersAsync();
        await database.PrepareAsync("orders", "order_no", triggers: true, CancellationToken.None);
        var stamp = await ScalarAsync(connection, SchemaStampSql);

        await database.PrepareAsync("orders", "order_no", triggers: true, CancellationToken.None);

        (await ScalarAsync(connection, SchemaStampSql)).ShouldBe(stamp);
    }

    [Fact]
    public async Task Two_syncs_keying_one_table_differently_each_capture_their_own_key_and_keep_their_triggers()
    {
        var (database, connection) = await OrdersAsync();
        await database.PrepareAsync("orders", "order_no", triggers: true, CancellationToken.None);
        await database.PrepareAsync("orders", "code", triggers: true, CancellationToken.None);
        var stamp = await ScalarAsync(connection, SchemaStampSql);

        // Their passes take turns: neither replaces the other's trigger.
        await database.PrepareAsync("orders", "order_no", triggers: true, CancellationToken.None);
        await database.PrepareAsync("orders", "code", triggers: true, CancellationToken.None);
        (await ScalarAsync(connection, SchemaStampSql)).ShouldBe(stamp);

        await ExecuteAsync(connection, "INSERT INTO orders (order_no, code) VALUES ('PO-1', 'C-1')");
        await ExecuteAsync(connection, "UPDATE orders SET code = 'C-2' WHERE order_no = 'PO-1'");

        (await KeysAsync(connection)).ShouldBe(["C-1", "C-2", "PO-1"], ignoreOrder: true);
        (await CountAsync(connection, "C-1")).ShouldBe(2, "the insert, and the update that moved the key away");
        (await CountAsync(connection, "C-2")).ShouldBe(1);
    }

    [Fact]
    public async Task A_trigger_of_the_earlier_naming_is_replaced_so_a_change_is_logged_once()
    {
        var (database, connection) = await OrdersAsync();
        await database.PrepareAsync("orders", "order_no", triggers: true, CancellationToken.None);
        await ExecuteAsync(connection, LegacyTriggerSql);

        await database.PrepareAsync("orders", "order_no", triggers: true, CancellationToken.None);
        await ExecuteAsync(connection, "INSERT INTO orders (order_no, code) VALUES ('PO-7', 'C-7')");

        (await CountAsync(connection, "PO-7")).ShouldBe(1);
    }

    private async Task<(SyncDatabase Database, string ConnectionString)> OrdersAsync()
    {
        var connection = await DatabaseAsync();
        await ExecuteAsync(connection, "CREATE TABLE orders (order_no text PRIMARY KEY, code text UNIQUE, amount numeric)");
        return (new SyncDatabase(Postgres, connection), connection);
    }

    private async Task<List<string>> KeysAsync(string connectionString)
    {
        await using var connection = Open(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT row_key FROM {SyncDatabase.ChangesTable} WHERE table_name = 'orders'";
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private async Task<long> CountAsync(string connectionString, string key) =>
        Convert.ToInt64(await ScalarAsync(connectionString, $"SELECT COUNT(*) FROM {SyncDatabase.ChangesTable} WHERE row_key = '{key}'"), CultureInfo.InvariantCulture);

    private async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = Open(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
    }

    private async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = Open(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private DbConnection Open(string connectionString) => Postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
}

public sealed class SqliteSyncCaptureTriggerTests : SyncCaptureTriggerTests
{
    protected override bool Postgres => false;

    protected override string SchemaStampSql => "PRAGMA schema_version";

    protected override string LegacyTriggerSql =>
        $"CREATE TRIGGER larkway_sync_orders_ai AFTER INSERT ON orders BEGIN INSERT INTO {SyncDatabase.ChangesTable} (table_name, row_key, changed_at) VALUES ('orders', NEW.order_no, 0); END";

    protected override Task<string> DatabaseAsync() =>
        Task.FromResult($"Data Source={Path.Combine(System.IO.Directory.CreateTempSubdirectory("larkway-capture-").FullName, "erp.db")}");
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSyncCaptureTriggerTests(PostgresCluster cluster) : SyncCaptureTriggerTests
{
    protected override bool Postgres => true;

    // A trigger's row (and its oid) is new each time it is created.
    protected override string SchemaStampSql => "SELECT string_agg(oid::text, ',' ORDER BY oid) FROM pg_trigger WHERE tgrelid = 'orders'::regclass";

    protected override string LegacyTriggerSql =>
        "CREATE TRIGGER larkway_sync_orders_capture AFTER INSERT OR UPDATE OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION larkway_sync_capture('order_no')";

    protected override Task<string> DatabaseAsync() => cluster.CreateDatabaseAsync();
}
