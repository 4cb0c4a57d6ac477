using System.Data.Common;
using System.Security.Cryptography;
using System.Threading.Channels;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// Wakes a sync as soon as its PostgreSQL table changes instead of at its next interval: the capture trigger also sends
/// <c>NOTIFY larkway_sync_changes</c> with the table's name, which PostgreSQL delivers when the change commits. One
/// replica listens (lease <c>bitable-sync/listener</c>), one connection per database, for the active syncs that carry
/// the database's changes (trigger capture, not Bitable-only). The notification only says when to look: the pass reads
/// the change log, so a notification missed while a connection was down delays a change to the interval, never loses it;
/// on every (re)connection the syncs whose change log went past their checkpoint meanwhile are woken once.
/// </summary>
internal sealed partial class SyncChangeListener(
    BitableSyncStore store,
    SyncDatabases databases,
    LeaseStore leases,
    IOptions<LeaseOptions> leaseOptions,
    TimeProvider time,
    ILogger<SyncChangeListener> logger)
    : SingletonDuty(Lease, leases, leaseOptions, time, logger)
{
    /// <summary>The lease the listening replica holds.</summary>
    public const string Lease = "bitable-sync/listener";

    private readonly BitableSyncStore _store = store;
    private readonly ILogger _logger = logger;

    /// <summary>How often the listened databases are matched to the active syncs (a new sync is listened for within this).</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);

    /// <summary>How long a connection waits for a notification before it checks it is still alive.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(5);

    protected override async Task RunDutyAsync(CancellationToken cancellationToken)
    {
        var listening = new Dictionary<string, DatabaseListener>(StringComparer.Ordinal);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var watched = await WatchedAsync(cancellationToken).ConfigureAwait(false);
                    foreach (var gone in listening.Keys.Where(k => !watched.ContainsKey(k)).ToList())
                    {
                        await listening[gone].DisposeAsync().ConfigureAwait(false);
                        listening.Remove(gone);
                    }

                    foreach (var (connection, syncs) in watched)
                    {
                        if (listening.TryGetValue(connection, out var listener))
                        {
                            listener.Syncs = syncs;
                        }
                        else
                        {
                            listening[connection] = new DatabaseListener(this, connection, syncs, cancellationToken);
                        }
                    }
                }
                catch (DbException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    LogRefreshFailed(_logger, ex.GetType().Name, ex.Message);
                }

                await Task.Delay(Refresh, Time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var listener in listening.Values)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The active syncs whose database changes are captured by trigger on PostgreSQL, by connection string.</summary>
    private async Task<Dictionary<string, IReadOnlyList<BitableSyncRow>>> WatchedAsync(CancellationToken cancellationToken)
    {
        var watched = new Dictionary<string, List<BitableSyncRow>>(StringComparer.Ordinal);
        foreach (var sync in await _store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (sync.State != SyncState.Active || sync.Capture != ChangeCapture.Triggers || sync.Direction == SyncDirection.ToDatabase)
            {
                continue;
            }

            SyncDatabase database;
            try
            {
                database = databases.For(sync);
            }
            catch (Exception ex) when (ex is SyncConfigurationException or CryptographicException)
            {
                continue; // its passes say what is wrong
            }

            if (database.IsPostgres)
            {
                (watched.TryGetValue(database.ConnectionString, out var list) ? list : watched[database.ConnectionString] = []).Add(sync);
            }
        }

        return watched.ToDictionary(w => w.Key, w => (IReadOnlyList<BitableSyncRow>)w.Value, StringComparer.Ordinal);
    }

    /// <summary>One database's LISTEN connection, and the loop that wakes the syncs of the tables it hears about.</summary>
    private sealed class DatabaseListener : IAsyncDisposable
    {
        private readonly SyncChangeListener _owner;
        private readonly CancellationTokenSource _stop;
        private readonly Channel<string> _tables = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _listening;
        private readonly Task _waking;

        public DatabaseListener(SyncChangeListener owner, string connectionString, IReadOnlyList<BitableSyncRow> syncs, CancellationToken cancellationToken)
        {
            _owner = owner;
            Syncs = syncs;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _listening = Task.Run(() => ListenAsync(connectionString, _stop.Token), CancellationToken.None);
            _waking = Task.Run(() => WakeAsync(_stop.Token), CancellationToken.None);
        }

        public volatile IReadOnlyList<BitableSyncRow> Syncs = [];

        private async Task ListenAsync(string connectionString, CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var connection = new NpgsqlConnection(connectionString);
                    await using (connection.ConfigureAwait(false))
                    {
                        connection.Notification += (_, e) => _tables.Writer.TryWrite(e.Payload);
                        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                        await ExecuteAsync(connection, $"LISTEN {SyncDatabase.ChangesChannel}", cancellationToken).ConfigureAwait(false);

                        // Whatever committed while nobody listened: the syncs whose change log went past their checkpoint look once.
                        foreach (var table in await BehindAsync(connection, Syncs, cancellationToken).ConfigureAwait(false))
                        {
                            _tables.Writer.TryWrite(table);
                        }

                        while (true)
                        {
                            if (!await connection.WaitAsync(Heartbeat, cancellationToken).ConfigureAwait(false))
                            {
                                await ExecuteAsync(connection, "SELECT 1", cancellationToken).ConfigureAwait(false);
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is DbException or IOException or TimeoutException or InvalidOperationException)
                {
                    // The external database's own message may name its host, user or connection string.
                    LogListenFailed(_owner._logger, ex.GetType().Name, SyncDatabaseErrors.Describe(ex), Reconnect.TotalSeconds);
                }

                await Task.Delay(Reconnect, _owner.Time, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Wakes the syncs of the tables heard of; notifications that come in while it wakes are taken together next.</summary>
        private async Task WakeAsync(CancellationToken cancellationToken)
        {
            while (await _tables.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                while (_tables.Reader.TryRead(out var table))
                {
                    tables.Add(table);
                }

                foreach (var sync in Syncs.Where(s => tables.Contains(s.TableName)))
                {
                    try
                    {
                        await _owner._store.WakeAsync(sync.Id, full: false, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is DbException or InvalidOperationException)
                    {
                        // The Hub's database did not answer: the sync's interval still runs it.
                        LogWakeFailed(_owner._logger, sync.Id, ex.Message);
                    }
                }
            }
        }

        /// <summary>The tables of <paramref name="syncs"/> whose change log holds entries after the sync's last pass took it.</summary>
        private static async Task<IReadOnlyList<string>> BehindAsync(NpgsqlConnection connection, IReadOnlyList<BitableSyncRow> syncs, CancellationToken cancellationToken)
        {
            var last = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            var taken = new Dictionary<string, long>(StringComparer.Ordinal);
            try
            {
                await using (var command = new NpgsqlCommand($"SELECT table_name, max(seq) FROM {SyncDatabase.ChangesTable} GROUP BY table_name", connection))
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        last[reader.GetString(0)] = reader.GetInt64(1);
                    }
                }

                await using (var command = new NpgsqlCommand("SELECT sync_id, value FROM larkway_sync_state WHERE name = @n", connection) { Parameters = { new("n", SyncPass.ChangeSeqState) } })
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        taken[reader.GetString(0)] = long.TryParse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture, out var seq) ? seq : 0;
                    }
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return []; // no pass has prepared this database yet
            }

            return [.. syncs.Where(s => last.GetValueOrDefault(s.TableName) > taken.GetValueOrDefault(s.Id)).Select(s => s.TableName).Distinct(StringComparer.OrdinalIgnoreCase)];
        }

        private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_listening, _waking).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            _stop.Dispose();
        }
    }

    [LoggerMessage(EventId = LogEvents.BitableSyncListenFailed, Level = LogLevel.Warning, Message = "Bitable syncs: listening for a PostgreSQL database's changes failed ({Error}: {Message}); trying again in {Seconds} s. Its syncs run on their interval meanwhile.")]
    private static partial void LogListenFailed(ILogger logger, string error, string message, double seconds);

    [LoggerMessage(EventId = LogEvents.BitableSyncListenRefreshFailed, Level = LogLevel.Warning, Message = "Bitable syncs: reading the syncs to listen for failed ({Error}: {Message}).")]
    private static partial void LogRefreshFailed(ILogger logger, string error, string message);

    [LoggerMessage(EventId = LogEvents.BitableSyncWakeFailed, Level = LogLevel.Warning, Message = "Bitable sync {SyncId}: a database change could not wake it ({Message}); it runs on its interval.")]
    private static partial void LogWakeFailed(ILogger logger, string syncId, string message);
}
