using System.Globalization;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.Data.Sqlite;

namespace Larkway.Hub.Inbox;

/// <summary>
/// SQLite's inbox writer: one long-lived connection with its statements prepared once, one writer at a time,
/// and checkpoints moved off the write path.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Appends commit at the configured <c>synchronous</c> level (FULL by default: the ack waits for the flush).
/// Claims and completions commit at NORMAL: losing one to a power cut only hands an event to a processor again,
/// which at-least-once dispatch allows anyway, and the next durable commit flushes them with it (the WAL is one
/// file, written in order). One connection for both keeps its page cache warm: SQLite drops a connection's cache
/// whenever another connection has written.</item>
/// <item>One writer at a time inside this process (<see cref="_gate"/>): SQLite has one write lock per file, and
/// writers that collide on it sleep in the busy handler (1, 2, 5 … 100 ms) instead of waking when it frees.
/// Other processes on the same file still wait in the busy handler, and <c>BEGIN IMMEDIATE</c> takes the lock
/// before anything is read, so each transaction sees every earlier one.</item>
/// <item>Automatic checkpoints run inside whichever commit crosses the WAL threshold, copying pages and flushing
/// the database file while an ack waits. These connections turn them off; a background loop runs passive
/// checkpoints, which never block writers.</item>
/// <item>A received message is indexed under its key in creation order (<see cref="InboxTimeOrderedKey"/>, which Feishu's door gives a received message):
/// message ids are random, and a random key is a random page of the index written into the WAL per event.</item>
/// </list>
/// </remarks>
internal sealed class SqliteInboxWriter : IInboxWriter
{
    private const string InsertEventSql = """
        INSERT INTO inbox_events (app_name, event_type, dedup_key, body, transport, received_at, status, attempts, next_attempt_at, lease_owner, lease_until, completed_at, lane, trace_parent)
        VALUES ($app_name, $event_type, $dedup_key, $body, $transport, $received_at, $status, $attempts, $next_attempt_at, $lease_owner, $lease_until, $completed_at, $lane, $trace_parent)
        RETURNING id
        """;

    // The claimable rows are the lowest ids among three sets, each read in id order from its own index and cut at the
    // limit: Pending and due (status + id: a backlog is read from its start, never sorted whole), Retrying and due
    // (status + due time: retries waiting for later are not read), InProgress with an expired lease. One query with
    // an OR over the three reads every due Pending row and sorts them all, per claim.
    private static readonly string ClaimSql = $"""
        UPDATE inbox_events
        SET status = '{nameof(WorkState.InProgress)}', lease_owner = $owner, lease_until = $lease_until, attempts = attempts + 1
        WHERE id IN (
            SELECT id FROM (
                SELECT id FROM (SELECT id FROM inbox_events INDEXED BY ix_inbox_events_status_id
                    WHERE status = '{nameof(WorkState.Pending)}' AND next_attempt_at <= $now ORDER BY id LIMIT $limit)
                UNION ALL
                SELECT id FROM (SELECT id FROM inbox_events INDEXED BY ix_inbox_events_status_next_attempt_at
                    WHERE status = '{nameof(WorkState.Retrying)}' AND next_attempt_at <= $now ORDER BY id LIMIT $limit)
                UNION ALL
                SELECT id FROM (SELECT id FROM inbox_events INDEXED BY ix_inbox_events_status_id
                    WHERE status = '{nameof(WorkState.InProgress)}' AND lease_until <= $now ORDER BY id LIMIT $limit))
            ORDER BY id
            LIMIT $limit)
        RETURNING id, app_name, event_type, dedup_key, body, transport, received_at, attempts, next_attempt_at, lease_owner, lease_until, trace_parent
        """;

    private static readonly string CompleteSql = $"""
        UPDATE inbox_events
        SET status = '{nameof(WorkState.Done)}', completed_at = $now, next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL, last_error = NULL
        WHERE id = $id AND status = '{nameof(WorkState.InProgress)}' AND lease_owner = $owner
        """;

    /// <summary>How far the clocks of a platform (an event's creation time) and this host may disagree.</summary>
    private static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DateTimeOffset _plainKeysBefore;
    private readonly Dictionary<string, bool> _appsWithPlainKeys = new(StringComparer.Ordinal);
    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly bool _flushAppends;
    private readonly TimeSpan _checkpointInterval;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wrote = new(0, 1);
    private Task? _checkpoints;
    private Statements? _statements;
    private bool _disposed;

    public SqliteInboxWriter(string connectionString, int busyTimeoutMilliseconds, HubStorageSynchronous synchronous, TimeSpan checkpointInterval, TimeProvider? time = null)
    {
        // Not pooled: these connections carry pragmas (no automatic checkpoints) that must not leak into the
        // pooled connections EF Core uses.
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        _flushAppends = synchronous != HubStorageSynchronous.Normal;
        _pragmas = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {busyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;");
        _checkpointInterval = checkpointInterval;
        _plainKeysBefore = (time ?? TimeProvider.System).GetUtcNow() + ClockMargin;
    }

    public Task<IReadOnlyList<InboxAppendResult>> AppendAsync(IReadOnlyList<InboxAppendRow> rows, CancellationToken cancellationToken) =>
        WriteAsync(_flushAppends, db =>
        {
            var results = new InboxAppendResult[rows.Count];
            var taken = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                IReadOnlyList<string> keys = row.TimeOrderedKey is { } ordered ? [ordered.Key] : row.Keys;
                if ((FirstStored(db, keys, taken) ?? StoredUnderPlainKey(db, row)) is { } existing)
                {
                    results[i] = new InboxAppendResult(InboxAppendStatus.Duplicate, existing);
                    continue;
                }

                var id = db.Insert(row.Event);
                foreach (var key in keys)
                {
                    if (taken.TryAdd(key, id))
                    {
                        db.InsertKey(key, id);
                    }
                }

                row.Event.Id = id;
                results[i] = new InboxAppendResult(InboxAppendStatus.Accepted, id);
            }

            return (IReadOnlyList<InboxAppendResult>)results;
        }, cancellationToken);

    public Task<IReadOnlyList<InboxEvent>> ClaimAsync(string owner, int batchSize, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        WriteAsync(flush: false, db => db.Claim(owner, batchSize, now, leaseUntil), cancellationToken);

    public Task<IReadOnlySet<long>> CompleteAsync(IReadOnlyList<InboxCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(flush: false, db =>
        {
            var done = new HashSet<long>();
            foreach (var completion in completions)
            {
                if (db.Complete(completion.Id, completion.Owner, now))
                {
                    done.Add(completion.Id);
                }
            }

            return (IReadOnlySet<long>)done;
        }, cancellationToken);

    /// <summary>Runs one write transaction on the writer's connection, alone among this process's writers.</summary>
    private async Task<T> WriteAsync<T>(bool flush, Func<Statements, T> work, CancellationToken cancellationToken)
    {
        T result;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var db = _statements ??= new Statements(Open());
            db.Flush(flush);
            using var transaction = db.Connection.BeginTransaction();
            db.Enlist(transaction);
            result = work(db);
            transaction.Commit();
        }
        catch
        {
            // The connection may be left mid-transaction or broken; the next write opens a fresh one.
            Close();
            throw;
        }
        finally
        {
            _gate.Release();
        }

        Wrote();
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_checkpoints is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // A last checkpoint keeps the WAL from outliving the process for long.
            if (_statements is not null)
            {
                TryCheckpoint(_statements.Connection, "PRAGMA wal_checkpoint(PASSIVE);");
            }

            Close();
        }
        finally
        {
            _gate.Release();
        }

        _stopping.Dispose();
    }

    /// <summary>
    /// A received message stored by an earlier Hub, which indexed it under its plain key. Only messages created before this
    /// writer (plus a margin for the clocks) can be, and only in an app that has plain message keys at all, so the steady
    /// state never looks.
    /// </summary>
    private long? StoredUnderPlainKey(Statements db, InboxAppendRow row)
    {
        if (row.TimeOrderedKey is not { } ordered || ordered.CreatedAt >= _plainKeysBefore)
        {
            return null;
        }

        if (!_appsWithPlainKeys.TryGetValue(ordered.PlainPrefix, out var any))
        {
            any = db.AnyKeyWithPrefix(ordered.PlainPrefix);
            _appsWithPlainKeys[ordered.PlainPrefix] = any;
        }

        return any ? db.FindKey(ordered.PlainKey) : null;
    }

    private static long? FirstStored(Statements db, IReadOnlyList<string> keys, Dictionary<string, long> taken)
    {
        foreach (var key in keys)
        {
            if (taken.TryGetValue(key, out var inBatch))
            {
                return inBatch;
            }

            if (db.FindKey(key) is { } stored)
            {
                return stored;
            }
        }

        return null;
    }

    private static InboxEvent ReadClaimed(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        AppName = reader.GetString(1),
        EventType = reader.GetString(2),
        DedupKey = reader.IsDBNull(3) ? null : reader.GetString(3),
        Body = (byte[])reader.GetValue(4),
        Transport = InboxTransport.Parse(reader.GetString(5)),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        State = WorkState.InProgress,
        Attempts = reader.GetInt32(7),
        NextAttemptAt = reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        LeaseOwner = reader.GetString(9),
        LeaseUntil = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
        TraceParent = reader.IsDBNull(11) ? null : reader.GetString(11),
    };

    private SqliteConnection Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _checkpoints ??= Task.Run(CheckpointLoopAsync);
        return connection;
    }

    private void Close()
    {
        _statements?.Dispose();
        _statements = null;
    }

    private void Wrote()
    {
        if (_wrote.CurrentCount == 0)
        {
            try
            {
                _wrote.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another writer signalled first; one pending checkpoint is enough.
            }
        }
    }

    /// <summary>After writes, at most once per interval: a passive checkpoint on a connection of its own, outside the gate.</summary>
    private async Task CheckpointLoopAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                await _wrote.WaitAsync(_stopping.Token).ConfigureAwait(false);
                await Task.Delay(_checkpointInterval, _stopping.Token).ConfigureAwait(false);
                connection ??= Open();
                if (!TryCheckpoint(connection, "PRAGMA wal_checkpoint(PASSIVE);"))
                {
                    connection.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static bool TryCheckpoint(SqliteConnection connection, string sql)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException)
        {
            // Busy or locked by another process's checkpoint: the next one catches up.
            return false;
        }
    }

    /// <summary>The writer's connection and its prepared statements.</summary>
    private sealed class Statements : IDisposable
    {
        private readonly SqliteCommand _findKey;
        private readonly SqliteCommand _anyKeyWithPrefix;
        private readonly SqliteCommand _insertEvent;
        private readonly SqliteCommand _insertKey;
        private readonly SqliteCommand _claim;
        private readonly SqliteCommand _complete;
        private readonly SqliteCommand _flushOn;
        private readonly SqliteCommand _flushOff;
        private bool _flushing;

        public Statements(SqliteConnection connection)
        {
            Connection = connection;
            _findKey = Prepared(connection, "SELECT event_id FROM inbox_dedup_keys WHERE key = $key", "$key");
            _anyKeyWithPrefix = Prepared(connection, "SELECT 1 FROM inbox_dedup_keys WHERE key >= $from AND key < $to LIMIT 1", "$from", "$to");
            _insertEvent = Prepared(connection, InsertEventSql,
                "$app_name", "$event_type", "$dedup_key", "$body", "$transport", "$received_at", "$status", "$attempts", "$next_attempt_at", "$lease_owner", "$lease_until", "$completed_at", "$lane", "$trace_parent");
            _insertKey = Prepared(connection, "INSERT INTO inbox_dedup_keys (key, event_id) VALUES ($key, $event_id)", "$key", "$event_id");
            _claim = Prepared(connection, ClaimSql, "$owner", "$lease_until", "$now", "$limit");
            _complete = Prepared(connection, CompleteSql, "$now", "$id", "$owner");
            _flushOn = Prepared(connection, "PRAGMA synchronous = FULL");
            _flushOff = Prepared(connection, "PRAGMA synchronous = NORMAL");
        }

        public SqliteConnection Connection { get; }

        /// <summary>Sets whether the next commits wait for the disk (FULL) or not (NORMAL); the connection opens at NORMAL.</summary>
        public void Flush(bool flush)
        {
            if (flush != _flushing)
            {
                (flush ? _flushOn : _flushOff).ExecuteNonQuery();
                _flushing = flush;
            }
        }

        public void Enlist(SqliteTransaction transaction)
        {
            _findKey.Transaction = transaction;
            _anyKeyWithPrefix.Transaction = transaction;
            _insertEvent.Transaction = transaction;
            _insertKey.Transaction = transaction;
            _claim.Transaction = transaction;
            _complete.Transaction = transaction;
        }

        public IReadOnlyList<InboxEvent> Claim(string owner, int batchSize, DateTimeOffset now, DateTimeOffset leaseUntil)
        {
            var p = _claim.Parameters;
            p[0].Value = owner;
            p[1].Value = leaseUntil.ToUnixTimeMilliseconds();
            p[2].Value = now.ToUnixTimeMilliseconds();
            p[3].Value = batchSize;
            var claimed = new List<InboxEvent>(batchSize);
            using (var reader = _claim.ExecuteReader())
            {
                while (reader.Read())
                {
                    claimed.Add(ReadClaimed(reader));
                }
            }

            claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
            return claimed;
        }

        public bool Complete(long id, string owner, DateTimeOffset now)
        {
            var p = _complete.Parameters;
            p[0].Value = now.ToUnixTimeMilliseconds();
            p[1].Value = id;
            p[2].Value = owner;
            return _complete.ExecuteNonQuery() > 0;
        }

        public long? FindKey(string key)
        {
            _findKey.Parameters[0].Value = key;
            return _findKey.ExecuteScalar() is long id ? id : null;
        }

        /// <summary>Whether any key starts with <paramref name="prefix"/> (a range on the key's index; the prefix ends below <c>char.MaxValue</c>).</summary>
        public bool AnyKeyWithPrefix(string prefix)
        {
            _anyKeyWithPrefix.Parameters[0].Value = prefix;
            _anyKeyWithPrefix.Parameters[1].Value = string.Concat(prefix.AsSpan(0, prefix.Length - 1), [(char)(prefix[^1] + 1)]);
            return _anyKeyWithPrefix.ExecuteScalar() is not null;
        }

        public long Insert(InboxEvent e)
        {
            InboxEventColumns.Bind(_insertEvent.Parameters, e);
            _insertEvent.Parameters[InboxEventColumns.Count].Value = (object?)e.TraceParent ?? DBNull.Value;
            return (long)_insertEvent.ExecuteScalar()!;
        }

        public void InsertKey(string key, long eventId)
        {
            _insertKey.Parameters[0].Value = key;
            _insertKey.Parameters[1].Value = eventId;
            _insertKey.ExecuteNonQuery();
        }

        public void Dispose()
        {
            foreach (var command in new[] { _findKey, _anyKeyWithPrefix, _insertEvent, _insertKey, _claim, _complete, _flushOn, _flushOff })
            {
                command.Dispose();
            }

            Connection.Dispose();
        }
    }

    private static SqliteCommand Prepared(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
