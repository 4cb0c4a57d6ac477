using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Larkway.Hub.BitableSync;

/// <summary>The kind of a database column, as far as conversions care.</summary>
internal enum ColumnKind
{
    Text,
    Integer,
    Real,
    Boolean,
    Timestamp,
}

/// <summary>A column of the synced table.</summary>
internal sealed record SyncColumn(string Name, ColumnKind Kind, string DeclaredType);

/// <summary>A row as the engine sees it: its key and its mapped columns' values (provider types).</summary>
internal sealed record DbRow(string Key, IReadOnlyDictionary<string, object?> Values);

/// <summary>What the engine remembers of a synced row: its record, and the canonical hash both sides had when last synced.</summary>
internal sealed record MapEntry(string Key, string RecordId, string Hash, long RecordModifiedMs);

/// <summary>A write to the database table: an upsert of <see cref="Values"/>, or a delete (values null).</summary>
internal sealed record DbWrite(string Key, IReadOnlyDictionary<string, object?>? Values);

/// <summary>
/// The database side of a sync: one table in a PostgreSQL or SQLite database, and the engine's own tables beside it in the
/// same database — <c>larkway_sync_map</c> (key ⇄ record_id and the last synced hash), <c>larkway_sync_state</c>
/// (checkpoints, the batch in flight), <c>larkway_sync_files</c> (attachment URLs and the file tokens they were uploaded
/// as) and, for trigger capture, <c>larkway_sync_changes</c>. Keeping them in the same
/// database is what lets a row and its mapping commit in one transaction.
/// </summary>
/// <remarks>
/// A SQLite database's path is checked when the sync's database is made (<see cref="SyncDatabaseGuard.Sqlite"/>), but it
/// is opened many times after, each open a fresh look at the path; so every open is checked again on the file it opened
/// (<paramref name="guard"/>), before anything is read or written through it.
/// </remarks>
internal sealed class SyncDatabase(bool postgres, string connectionString, SyncDatabaseGuard? guard = null)
{
    /// <summary>The change-log table trigger capture fills.</summary>
    public const string ChangesTable = "larkway_sync_changes";

    /// <summary>The PostgreSQL channel the capture trigger notifies, with the table's name, when a change commits.</summary>
    public const string ChangesChannel = "larkway_sync_changes";

    public bool IsPostgres => postgres;

    /// <summary>The connection string (a secret for an external database: never logged).</summary>
    public string ConnectionString => connectionString;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (connection is SqliteConnection sqlite)
            {
                guard?.CheckOpened(sqlite);
                await ExecuteAsync(connection, null, "PRAGMA busy_timeout = 10000;", [], cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch (Exception ex)
        {
            if (ex is SyncConfigurationException && connection is SqliteConnection refused)
            {
                SqliteConnection.ClearPool(refused); // the refused file's handle is closed, not kept for the next open
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The table's columns; empty when there is no such table.</summary>
    public async Task<IReadOnlyList<SyncColumn>> ColumnsAsync(string table, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var sql = postgres
                ? "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t ORDER BY ordinal_position"
                : "SELECT name, type FROM pragma_table_info(@t)";
            var columns = new List<SyncColumn>();
            await using var command = Command(connection, null, sql, [("t", table)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var type = reader.GetString(1);
                columns.Add(new SyncColumn(reader.GetString(0), KindOf(type), type));
            }

            return columns;
        }
    }

    /// <summary>Creates the engine's tables, and the capture triggers on <paramref name="table"/> when asked; safe to repeat.</summary>
    public async Task PrepareAsync(string table, string keyColumn, bool triggers, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var serial = postgres ? "bigserial PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
            string[] ddl =
            [
                "CREATE TABLE IF NOT EXISTS larkway_sync_map (sync_id varchar(40) NOT NULL, row_key varchar(512) NOT NULL, record_id varchar(64) NOT NULL, hash varchar(64) NOT NULL, record_modified_ms bigint NOT NULL, synced_at bigint NOT NULL, PRIMARY KEY (sync_id, row_key))",
                "CREATE UNIQUE INDEX IF NOT EXISTS ux_larkway_sync_map_record ON larkway_sync_map (sync_id, record_id)",
                "CREATE TABLE IF NOT EXISTS larkway_sync_state (sync_id varchar(40) NOT NULL, name varchar(64) NOT NULL, value text NOT NULL, PRIMARY KEY (sync_id, name))",
                "CREATE TABLE IF NOT EXISTS larkway_sync_files (sync_id varchar(40) NOT NULL, source_url varchar(2048) NOT NULL, file_token varchar(128) NOT NULL, PRIMARY KEY (sync_id, source_url))",
                $"CREATE TABLE IF NOT EXISTS {ChangesTable} (seq {serial}, table_name varchar(128) NOT NULL, row_key varchar(512) NOT NULL, changed_at bigint NOT NULL)",
                $"CREATE INDEX IF NOT EXISTS ix_{ChangesTable}_table ON {ChangesTable} (table_name, seq)",
            ];
            foreach (var statement in ddl)
            {
                await ExecuteAsync(connection, null, statement, [], cancellationToken).ConfigureAwait(false);
            }

            if (triggers && postgres)
            {
                await InstallPostgresTriggerAsync(connection, table, keyColumn, cancellationToken).ConfigureAwait(false);
            }
            else if (triggers)
            {
                await InstallSqliteTriggersAsync(connection, table, keyColumn, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Installs the capture function and the table's trigger in one transaction, serialised among installers by an
    /// advisory lock, and replaces the trigger only when it is missing or names another key column. Dropping and creating
    /// it each pass in two statements left a moment in which a committed change fired no trigger and was never captured,
    /// and took the table's exclusive lock every pass.
    /// </summary>
    private static async Task InstallPostgresTriggerAsync(DbConnection connection, string table, string keyColumn, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtext('larkway_sync_capture'))", [], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, PostgresCaptureFunction, [], cancellationToken).ConfigureAwait(false);
            var name = TriggerName(table, keyColumn) + "_capture";
            var call = $"larkway_sync_capture('{keyColumn.Replace("'", "''", StringComparison.Ordinal)}')";
            var installed = new Dictionary<string, string>(StringComparer.Ordinal);
            await using (var find = Command(connection, transaction, "SELECT t.tgname::text, pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE t.tgname IN (@n, @legacy) AND t.tgrelid = to_regclass(@t)", [("n", name), ("legacy", LegacyTriggerPrefix(table) + "_capture"), ("t", Quote(table))]))
            await using (var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    installed[reader.GetString(0)] = reader.GetString(1);
                }
            }

            if (!installed.TryGetValue(name, out var definition) || !definition.Contains(call, StringComparison.Ordinal))
            {
                await ExecuteAsync(connection, transaction, $"DROP TRIGGER IF EXISTS {name} ON {Quote(table)}", [], cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, $"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {Quote(table)} FOR EACH ROW EXECUTE FUNCTION {call}", [], cancellationToken).ConfigureAwait(false);
            }

            foreach (var legacy in installed.Keys.Where(n => n != name))
            {
                await ExecuteAsync(connection, transaction, $"DROP TRIGGER {legacy} ON {Quote(table)}", [], cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Installs the table's three SQLite triggers for the key column, in one transaction when any is missing or differs
    /// (SQLite's DDL is transactional, so no write falls between a drop and its create), and removes the triggers of the
    /// earlier naming (one set per table, whatever the key).
    /// </summary>
    private static async Task InstallSqliteTriggersAsync(DbConnection connection, string table, string keyColumn, CancellationToken cancellationToken)
    {
        var wanted = SqliteTriggers(table, keyColumn).ToList();
        var legacy = new[] { "_ai", "_au", "_ad" }.Select(suffix => LegacyTriggerPrefix(table) + suffix).ToList();
        var installed = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var find = Command(connection, null, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @t COLLATE NOCASE", [("t", table)]))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                installed[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var stale = legacy.Where(installed.ContainsKey).ToList();
        var changed = wanted.Where(t => !installed.TryGetValue(t.Name, out var sql) || !string.Equals(sql, t.Create, StringComparison.Ordinal)).ToList();
        if (stale.Count == 0 && changed.Count == 0)
        {
            return;
        }

        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            foreach (var name in stale.Concat(changed.Select(t => t.Name)))
            {
                await ExecuteAsync(connection, transaction, $"DROP TRIGGER IF EXISTS {name}", [], cancellationToken).ConfigureAwait(false);
            }

            foreach (var (_, create) in changed)
            {
                await ExecuteAsync(connection, transaction, create, [], cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every row of the table (mapped columns), keyed by the key column's canonical text.</summary>
    public async Task<IReadOnlyList<DbRow>> ReadRowsAsync(string table, string keyColumn, ColumnKind keyKind, IReadOnlyList<string> columns, IReadOnlyCollection<string>? keys, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var select = $"SELECT {string.Join(", ", columns.Select(Quote))} FROM {Quote(table)}";
            var rows = new List<DbRow>();
            if (keys is null)
            {
                await ReadIntoAsync(connection, select, [], keyColumn, columns, rows, cancellationToken).ConfigureAwait(false);
                return rows;
            }

            // By key, in chunks (SQLite allows 32,766 parameters; PostgreSQL 65,535). Each key is given in the column's own
            // type, so the lookup uses the key's index (a cast of the column would scan the table for every chunk).
            foreach (var chunk in keys.Select(k => KeyValue(k, keyKind)).OfType<object>().Chunk(500))
            {
                var names = chunk.Select((_, i) => "k" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
                var where = $" WHERE {Quote(keyColumn)} IN ({string.Join(", ", names.Select(n => "@" + n))})";
                await ReadIntoAsync(connection, select + where, [.. names.Zip(chunk, (n, k) => (n, (object?)k))], keyColumn, columns, rows, cancellationToken).ConfigureAwait(false);
            }

            return rows;
        }
    }

    /// <summary>The keys the change log recorded for <paramref name="table"/> after <paramref name="afterSeq"/>, or since <paramref name="sinceMs"/> (the overlap that catches a late commit); and the last sequence number.</summary>
    public async Task<(IReadOnlyList<(string Key, long ChangedAt)> Keys, long LastSeq)> ReadChangeLogAsync(string table, long afterSeq, long sinceMs, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = Command(connection, null, $"SELECT seq, row_key, changed_at FROM {ChangesTable} WHERE table_name = @t AND (seq > @s OR changed_at >= @m) ORDER BY seq", [("t", table), ("s", afterSeq), ("m", sinceMs)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keys = new List<(string, long)>();
            var last = afterSeq;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                last = Math.Max(last, reader.GetInt64(0));
                keys.Add((reader.GetString(1), reader.GetInt64(2)));
            }

            return (keys, last);
        }
    }

    /// <summary>The keys of rows whose <paramref name="updatedAtColumn"/> is at or after <paramref name="since"/> (a high-water mark; deletes are not seen).</summary>
    public async Task<IReadOnlyList<(string Key, DateTimeOffset UpdatedAt)>> ReadUpdatedSinceAsync(string table, string keyColumn, string updatedAtColumn, ColumnKind kind, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = Command(connection, null, $"SELECT {Quote(keyColumn)}, {Quote(updatedAtColumn)} FROM {Quote(table)} WHERE {Quote(updatedAtColumn)} >= @since", [("since", SyncValues.ToDatabase(since.ToUnixTimeMilliseconds(), kind))]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keys = new List<(string, DateTimeOffset)>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = SyncValues.KeyText(reader.GetValue(0));
                var at = SyncValues.Millis(reader.GetValue(1)) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : since;
                if (key is not null)
                {
                    keys.Add((key, at));
                }
            }

            return keys;
        }
    }

    /// <summary>The mapping rows of a sync (all, or those of <paramref name="keys"/>).</summary>
    public async Task<Dictionary<string, MapEntry>> ReadMapAsync(string syncId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = Command(connection, null, "SELECT row_key, record_id, hash, record_modified_ms FROM larkway_sync_map WHERE sync_id = @s", [("s", syncId)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var map = new Dictionary<string, MapEntry>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                map[reader.GetString(0)] = new MapEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3));
            }

            return map;
        }
    }

    /// <summary>A sync's saved state values.</summary>
    public async Task<Dictionary<string, string>> ReadStateAsync(string syncId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = Command(connection, null, "SELECT name, value FROM larkway_sync_state WHERE sync_id = @s", [("s", syncId)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var state = new Dictionary<string, string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                state[reader.GetString(0)] = reader.GetString(1);
            }

            return state;
        }
    }

    /// <summary>The attachment URLs of a sync already uploaded to its base, with their file tokens.</summary>
    public async Task<Dictionary<string, string>> ReadFilesAsync(string syncId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = Command(connection, null, "SELECT source_url, file_token FROM larkway_sync_files WHERE sync_id = @s", [("s", syncId)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                files[reader.GetString(0)] = reader.GetString(1);
            }

            return files;
        }
    }

    /// <summary>Remembers that <paramref name="url"/> was uploaded as <paramref name="fileToken"/>; the first upload of a URL stays.</summary>
    public async Task SaveFileAsync(string syncId, string url, string fileToken, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, null, "INSERT INTO larkway_sync_files (sync_id, source_url, file_token) VALUES (@s, @u, @f) ON CONFLICT (sync_id, source_url) DO NOTHING",
                [("s", syncId), ("u", url), ("f", fileToken)], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One transaction: the rows written to the table (upserts by key, deletes or soft deletes), the mapping rows set or
    /// removed, and state values (checkpoints). A crash leaves all of it or none.
    /// </summary>
    public async Task CommitAsync(SyncCommit commit, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var write in commit.Rows)
                {
                    await WriteRowAsync(connection, transaction, commit, write, cancellationToken).ConfigureAwait(false);
                }

                foreach (var entry in commit.Map)
                {
                    await ExecuteAsync(connection, transaction,
                        "INSERT INTO larkway_sync_map (sync_id, row_key, record_id, hash, record_modified_ms, synced_at) VALUES (@s, @k, @r, @h, @m, @at) " +
                        "ON CONFLICT (sync_id, row_key) DO UPDATE SET record_id = excluded.record_id, hash = excluded.hash, record_modified_ms = excluded.record_modified_ms, synced_at = excluded.synced_at",
                        [("s", commit.SyncId), ("k", entry.Key), ("r", entry.RecordId), ("h", entry.Hash), ("m", entry.RecordModifiedMs), ("at", commit.At.ToUnixTimeMilliseconds())], cancellationToken).ConfigureAwait(false);
                }

                foreach (var key in commit.Unmap)
                {
                    await ExecuteAsync(connection, transaction, "DELETE FROM larkway_sync_map WHERE sync_id = @s AND row_key = @k", [("s", commit.SyncId), ("k", key)], cancellationToken).ConfigureAwait(false);
                }

                foreach (var (name, value) in commit.State)
                {
                    if (value is null)
                    {
                        await ExecuteAsync(connection, transaction, "DELETE FROM larkway_sync_state WHERE sync_id = @s AND name = @n", [("s", commit.SyncId), ("n", name)], cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await ExecuteAsync(connection, transaction,
                            "INSERT INTO larkway_sync_state (sync_id, name, value) VALUES (@s, @n, @v) ON CONFLICT (sync_id, name) DO UPDATE SET value = excluded.value",
                            [("s", commit.SyncId), ("n", name), ("v", value)], cancellationToken).ConfigureAwait(false);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Removes change-log entries of <paramref name="table"/> older than <paramref name="beforeMs"/> (a resumed sync runs a full diff, so nothing is lost).</summary>
    public async Task PruneChangeLogAsync(string table, long beforeMs, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, null, $"DELETE FROM {ChangesTable} WHERE table_name = @t AND changed_at < @b", [("t", table), ("b", beforeMs)], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteRowAsync(DbConnection connection, DbTransaction transaction, SyncCommit commit, DbWrite write, CancellationToken cancellationToken)
    {
        // The key in the column's own type, so the statement uses the key's index.
        var keyMatch = $"{Quote(commit.KeyColumn)} = @key";
        var key = KeyValue(write.Key, commit.KeyKind);
        if (write.Values is null)
        {
            if (commit.SoftDeleteColumn is { } soft)
            {
                await ExecuteAsync(connection, transaction, $"UPDATE {Quote(commit.Table)} SET {Quote(soft)} = @now WHERE {keyMatch}",
                    [("now", SyncValues.ToDatabase(commit.At.ToUnixTimeMilliseconds(), commit.SoftDeleteKind)), ("key", key)], cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ExecuteAsync(connection, transaction, $"DELETE FROM {Quote(commit.Table)} WHERE {keyMatch}", [("key", key)], cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var columns = write.Values.Keys.ToList();
        var parameters = columns.Select((c, i) => ("v" + i.ToString(CultureInfo.InvariantCulture), write.Values[c])).ToList();
        var updated = await ExecuteAsync(connection, transaction,
            $"UPDATE {Quote(commit.Table)} SET {string.Join(", ", columns.Select((c, i) => $"{Quote(c)} = @v{i.ToString(CultureInfo.InvariantCulture)}"))} WHERE {keyMatch}",
            [.. parameters, ("key", key)], cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            await ExecuteAsync(connection, transaction,
                $"INSERT INTO {Quote(commit.Table)} ({string.Join(", ", columns.Select(Quote))}) VALUES ({string.Join(", ", parameters.Select(p => "@" + p.Item1))})",
                parameters, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A key's text as a value of the key column's type; null when it cannot be one (then no row has it).</summary>
    private static object? KeyValue(string key, ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => long.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
        ColumnKind.Real => decimal.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        ColumnKind.Boolean or ColumnKind.Timestamp => null,
        _ => key,
    };

    private static async Task ReadIntoAsync(DbConnection connection, string sql, IReadOnlyList<(string, object?)> parameters, string keyColumn, IReadOnlyList<string> columns, List<DbRow> rows, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keyIndex = columns.ToList().IndexOf(keyColumn);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                values[columns[i]] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            if (SyncValues.KeyText(values[columns[keyIndex]]) is { } key)
            {
                rows.Add(new DbRow(key, values));
            }
        }
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<(string, object?)> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Identifiers are quoted and checked against the table's real columns; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>A quoted identifier (names come from the table's own column list, never from a request unchecked).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static ColumnKind KindOf(string declared)
    {
        var type = declared.ToUpperInvariant();
        return type switch
        {
            _ when type.Contains("BOOL", StringComparison.Ordinal) => ColumnKind.Boolean,
            _ when type.Contains("TIMESTAMP", StringComparison.Ordinal) || type == "DATE" => ColumnKind.Timestamp,
            _ when type.Contains("INT", StringComparison.Ordinal) => ColumnKind.Integer,
            _ when type.Contains("REAL", StringComparison.Ordinal) || type.Contains("FLOA", StringComparison.Ordinal) || type.Contains("DOUB", StringComparison.Ordinal)
                || type.Contains("NUMERIC", StringComparison.Ordinal) || type.Contains("DECIMAL", StringComparison.Ordinal) => ColumnKind.Real,
            _ => ColumnKind.Text,
        };
    }

    /// <summary>The insert, update and delete triggers, each by name with the statement that creates it (as SQLite keeps it).</summary>
    private static IEnumerable<(string Name, string Create)> SqliteTriggers(string table, string keyColumn)
    {
        var name = TriggerName(table, keyColumn);
        var now = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
        var t = "'" + table.Replace("'", "''", StringComparison.Ordinal) + "'";
        var key = Quote(keyColumn);
        yield return ($"{name}_ai", $"CREATE TRIGGER {name}_ai AFTER INSERT ON {Quote(table)} BEGIN INSERT INTO {ChangesTable} (table_name, row_key, changed_at) VALUES ({t}, CAST(NEW.{key} AS TEXT), {now}); END");
        yield return ($"{name}_au", $"CREATE TRIGGER {name}_au AFTER UPDATE ON {Quote(table)} BEGIN INSERT INTO {ChangesTable} (table_name, row_key, changed_at) SELECT {t}, CAST(OLD.{key} AS TEXT), {now} WHERE OLD.{key} IS NOT NEW.{key}; INSERT INTO {ChangesTable} (table_name, row_key, changed_at) VALUES ({t}, CAST(NEW.{key} AS TEXT), {now}); END");
        yield return ($"{name}_ad", $"CREATE TRIGGER {name}_ad AFTER DELETE ON {Quote(table)} BEGIN INSERT INTO {ChangesTable} (table_name, row_key, changed_at) VALUES ({t}, CAST(OLD.{key} AS TEXT), {now}); END");
    }

    /// <summary>
    /// A trigger name per table and key column, so two syncs that key one table differently each capture their own key;
    /// a hash keeps it unique and within PostgreSQL's 63 characters (a longer name would be cut, and never found again).
    /// </summary>
    private static string TriggerName(string table, string keyColumn)
    {
        var readable = new string([.. table.Where(char.IsAsciiLetterOrDigit).Take(24)]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(table + "\n" + keyColumn)))[..10];
        return $"larkway_sync_{readable}_{hash}";
    }

    /// <summary>The name of the triggers before they were named by key too; removed where found.</summary>
    private static string LegacyTriggerPrefix(string table) => "larkway_sync_" + new string([.. table.Where(char.IsAsciiLetterOrDigit)]);

    /// <summary>The capture function: a change-log row per changed key, and a notification (delivered on commit) for the listener.</summary>
    private const string PostgresCaptureFunction = $"""
        CREATE OR REPLACE FUNCTION larkway_sync_capture() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
            INSERT INTO {ChangesTable} (table_name, row_key, changed_at) VALUES (TG_TABLE_NAME, to_jsonb(OLD) ->> TG_ARGV[0], (extract(epoch from clock_timestamp()) * 1000)::bigint);
          END IF;
          IF TG_OP <> 'DELETE' THEN
            INSERT INTO {ChangesTable} (table_name, row_key, changed_at) VALUES (TG_TABLE_NAME, to_jsonb(NEW) ->> TG_ARGV[0], (extract(epoch from clock_timestamp()) * 1000)::bigint);
          END IF;
          PERFORM pg_notify('{ChangesChannel}', TG_TABLE_NAME);
          RETURN NULL;
        END $f$
        """;
}

/// <summary>What one database transaction of a sync writes.</summary>
internal sealed record SyncCommit(string SyncId, string Table, string KeyColumn, ColumnKind KeyKind, DateTimeOffset At)
{
    public IReadOnlyList<DbWrite> Rows { get; init; } = [];

    public IReadOnlyList<MapEntry> Map { get; init; } = [];

    public IReadOnlyList<string> Unmap { get; init; } = [];

    public IReadOnlyList<(string Name, string? Value)> State { get; init; } = [];

    public string? SoftDeleteColumn { get; init; }

    public ColumnKind SoftDeleteKind { get; init; }
}
