using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Npgsql;
using NpgsqlTypes;

namespace Larkway.Hub.Inbox;

/// <summary>
/// PostgreSQL's inbox writer: each call is one transaction on a pooled connection from the data source, with
/// parameterised statements prepared on the physical connection (Npgsql keeps them across pool rentals).
/// No write gate: PostgreSQL takes row locks, so appends, claims and completions from this and other Hub
/// processes run side by side.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Appends: a key already stored or taken earlier in the call makes a Duplicate. Otherwise the event and its
/// keys go in with one statement whose key insert is <c>ON CONFLICT DO NOTHING</c>; when another transaction
/// stored one of the keys meanwhile (the insert waits for it to commit), fewer keys come back, the row is deleted
/// again (its keys with it, by cascade) and the other copy's id is read. So two processes appending the same event
/// leave exactly one row, and the loser answers Duplicate.</item>
/// <item>Two appends taking overlapping keys in opposite orders can deadlock; PostgreSQL aborts one, which is run
/// again from the start (as are serialization failures). Keys are inserted sorted to make that rare.</item>
/// <item>Claims: <c>UPDATE … WHERE id IN (SELECT … ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED) RETURNING …</c>; rows
/// another claimer holds are skipped, and a row it has just claimed is re-checked against the new version and
/// no longer matches, so no event is claimed twice.</item>
/// </list>
/// </remarks>
internal sealed class PostgresInboxWriter(NpgsqlDataSource dataSource) : IInboxWriter
{
    private const int MaxAttempts = 5;

    private const string FindKeySql = """
        SELECT d.event_id
        FROM unnest($1::text[]) WITH ORDINALITY AS k(key, n)
        JOIN inbox_dedup_keys d ON d.key = k.key
        ORDER BY k.n
        LIMIT 1
        """;

    private const string InsertSql = """
        WITH e AS (
            INSERT INTO inbox_events (app_name, event_type, dedup_key, body, transport, received_at, status, attempts, next_attempt_at, lease_owner, lease_until, completed_at, lane, trace_parent)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $15)
            RETURNING id),
        k AS (
            INSERT INTO inbox_dedup_keys (key, event_id)
            SELECT u.key, e.id FROM unnest($14::text[]) AS u(key) CROSS JOIN e
            ON CONFLICT (key) DO NOTHING
            RETURNING 1)
        SELECT (SELECT id FROM e), (SELECT count(*) FROM k)::integer
        """;

    private const string DeleteSql = "DELETE FROM inbox_events WHERE id = $1";

    private static readonly string ClaimSql = $"""
        UPDATE inbox_events
        SET status = '{nameof(WorkState.InProgress)}', lease_owner = $1, lease_until = $2, attempts = attempts + 1
        WHERE id IN (
            SELECT id FROM inbox_events
            WHERE (status IN ('{nameof(WorkState.Pending)}', '{nameof(WorkState.Retrying)}') AND next_attempt_at <= $3)
               OR (status = '{nameof(WorkState.InProgress)}' AND lease_until <= $3)
            ORDER BY id
            LIMIT $4
            FOR UPDATE SKIP LOCKED)
        RETURNING id, app_name, event_type, dedup_key, body, transport, received_at, attempts, next_attempt_at, lease_owner, lease_until, trace_parent
        """;

    private static readonly string CompleteSql = $"""
        UPDATE inbox_events AS e
        SET status = '{nameof(WorkState.Done)}', completed_at = $1, next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL, last_error = NULL
        FROM unnest($2::bigint[], $3::text[]) AS c(id, owner)
        WHERE e.id = c.id AND e.status = '{nameof(WorkState.InProgress)}' AND e.lease_owner = c.owner
        RETURNING e.id
        """;

    public async Task<IReadOnlyList<InboxAppendResult>> AppendAsync(IReadOnlyList<InboxAppendRow> rows, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var results = await TryAppendAsync(rows, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < rows.Count; i++)
                {
                    if (results[i].Status == InboxAppendStatus.Accepted)
                    {
                        rows[i].Event.Id = results[i].EventId;
                    }
                }

                return results;
            }
            catch (PostgresException ex) when (attempt < MaxAttempts && IsRetryable(ex))
            {
                // Aborted in favour of a concurrent append (deadlock), or a key raced past ON CONFLICT: start again.
            }
        }
    }

    private async Task<InboxAppendResult[]> TryAppendAsync(IReadOnlyList<InboxAppendRow> rows, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var findKey = Command(connection, FindKeySql, NpgsqlDbType.Array | NpgsqlDbType.Text);
                using var insert = Command(connection, InsertSql,
                    NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Bytea, NpgsqlDbType.Varchar, NpgsqlDbType.Bigint,
                    NpgsqlDbType.Varchar, NpgsqlDbType.Integer, NpgsqlDbType.Bigint, NpgsqlDbType.Varchar, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Varchar,
                    NpgsqlDbType.Array | NpgsqlDbType.Text,
                    NpgsqlDbType.Varchar);
                using var delete = Command(connection, DeleteSql, NpgsqlDbType.Bigint);
                await findKey.PrepareAsync(cancellationToken).ConfigureAwait(false);
                await insert.PrepareAsync(cancellationToken).ConfigureAwait(false);

                var results = new InboxAppendResult[rows.Count];
                var taken = new Dictionary<string, long>(StringComparer.Ordinal);
                for (var i = 0; i < rows.Count; i++)
                {
                    var row = rows[i];
                    var keys = row.Keys.Distinct(StringComparer.Ordinal).ToArray();
                    if ((FirstTaken(keys, taken) ?? await FindAsync(findKey, keys, cancellationToken).ConfigureAwait(false)) is { } existing)
                    {
                        results[i] = new InboxAppendResult(InboxAppendStatus.Duplicate, existing);
                        continue;
                    }

                    var sorted = keys.Order(StringComparer.Ordinal).ToArray();
                    SetEvent(insert, row.Event, sorted);
                    long id;
                    int stored;
                    var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                        id = reader.GetInt64(0);
                        stored = reader.GetInt32(1);
                    }

                    if (stored < keys.Length)
                    {
                        // Another transaction committed one of the keys after the lookup: that copy wins.
                        delete.Parameters[0].Value = id;
                        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        var winner = await FindAsync(findKey, keys, cancellationToken).ConfigureAwait(false)
                            ?? throw new InvalidOperationException("A dedup key conflicted, but no stored event holds it.");
                        results[i] = new InboxAppendResult(InboxAppendStatus.Duplicate, winner);
                        continue;
                    }

                    foreach (var key in keys)
                    {
                        taken[key] = id;
                    }

                    results[i] = new InboxAppendResult(InboxAppendStatus.Accepted, id);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return results;
            }
        }
    }

    public async Task<IReadOnlyList<InboxEvent>> ClaimAsync(string owner, int batchSize, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One statement: its own transaction.
            using var claim = Command(connection, ClaimSql, NpgsqlDbType.Varchar, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Integer);
            await claim.PrepareAsync(cancellationToken).ConfigureAwait(false);
            claim.Parameters[0].Value = owner;
            claim.Parameters[1].Value = leaseUntil.ToUnixTimeMilliseconds();
            claim.Parameters[2].Value = now.ToUnixTimeMilliseconds();
            claim.Parameters[3].Value = batchSize;
            var claimed = new List<InboxEvent>(batchSize);
            var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    claimed.Add(ReadClaimed(reader));
                }
            }

            claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
            return claimed;
        }
    }

    public async Task<IReadOnlySet<long>> CompleteAsync(IReadOnlyList<InboxCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var done = new HashSet<long>();
        if (completions.Count == 0)
        {
            return done;
        }

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One statement for the batch (so one transaction), each row conditional on its own owner.
            using var complete = Command(connection, CompleteSql, NpgsqlDbType.Bigint, NpgsqlDbType.Array | NpgsqlDbType.Bigint, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await complete.PrepareAsync(cancellationToken).ConfigureAwait(false);
            complete.Parameters[0].Value = now.ToUnixTimeMilliseconds();
            complete.Parameters[1].Value = completions.Select(c => c.Id).ToArray();
            complete.Parameters[2].Value = completions.Select(c => c.Owner).ToArray();
            var reader = await complete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    done.Add(reader.GetInt64(0));
                }
            }
        }

        return done;
    }

    // The data source belongs to the storage provider.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool IsRetryable(PostgresException ex) =>
        ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.UniqueViolation;

    private static long? FirstTaken(string[] keys, Dictionary<string, long> taken)
    {
        foreach (var key in keys)
        {
            if (taken.TryGetValue(key, out var id))
            {
                return id;
            }
        }

        return null;
    }

    private static async Task<long?> FindAsync(NpgsqlCommand findKey, string[] keys, CancellationToken cancellationToken)
    {
        if (keys.Length == 0)
        {
            return null;
        }

        findKey.Parameters[0].Value = keys;
        return await findKey.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id ? id : null;
    }

    private static void SetEvent(NpgsqlCommand insert, InboxEvent e, string[] keys)
    {
        InboxEventColumns.Bind(insert.Parameters, e);
        insert.Parameters[InboxEventColumns.Count].Value = keys;
        insert.Parameters[InboxEventColumns.Count + 1].Value = (object?)e.TraceParent ?? DBNull.Value;
    }

    private static InboxEvent ReadClaimed(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        AppName = reader.GetString(1),
        EventType = reader.GetString(2),
        DedupKey = reader.IsDBNull(3) ? null : reader.GetString(3),
        Body = reader.GetFieldValue<byte[]>(4),
        Transport = InboxTransport.Parse(reader.GetString(5)),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        State = WorkState.InProgress,
        Attempts = reader.GetInt32(7),
        NextAttemptAt = reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        LeaseOwner = reader.GetString(9),
        LeaseUntil = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
        TraceParent = reader.IsDBNull(11) ? null : reader.GetString(11),
    };

    /// <summary>A positional-parameter command; the parameters are typed so that it can be prepared before values are set.</summary>
    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlDbType[] types)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var type in types)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
        }

        return command;
    }
}
