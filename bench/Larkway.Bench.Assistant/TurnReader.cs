using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Larkway.Bench.Assistant;

/// <summary>
/// Reads the Hub's <c>assistant_turns</c> from its SQLite file (SELECTs only): whether a question's turn has ended, how,
/// and which card it answered in. The Hub has no admin API for turns; the console shows the same rows.
/// </summary>
internal sealed class TurnReader(string databasePath)
{
    private static readonly HashSet<string> Terminal = new(["answered", "stopped", "failed", "interrupted", "refused"], StringComparer.Ordinal);

    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, DefaultTimeout = 30 }.ToString();

    /// <summary>Waits until the turn of every message has ended (or its queue item is dead-lettered); returns them by message id.</summary>
    public async Task<Dictionary<string, Turn>> WaitEndedAsync(IReadOnlyCollection<string> messageIds, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var turns = await ReadAsync(messageIds);
            var ended = turns.Values.Count(t => Terminal.Contains(t.Status) || t.State == "DeadLetter");
            if (ended == messageIds.Count)
            {
                return turns;
            }

            if (clock.Elapsed > timeout)
            {
                var open = string.Join("; ", turns.Values.Where(t => !Terminal.Contains(t.Status)).Take(10).Select(t => $"{t.MessageId}: {t.Status}/{t.State}/{t.LastError}"));
                throw new TimeoutException($"{messageIds.Count - ended} of {messageIds.Count} turns had not ended after {timeout.TotalSeconds:F0} s ({turns.Count} stored); e.g. {open}");
            }

            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds:F0} s: {turns.Count} turns stored, {ended} ended"));
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>The card entity id of the message's answer, once the Hub stored it.</summary>
    public async Task<string?> CardOfAsync(string messageId) => (await ReadAsync([messageId])).GetValueOrDefault(messageId)?.ReplyHandle;

    private async Task<Dictionary<string, Turn>> ReadAsync(IReadOnlyCollection<string> messageIds)
    {
        var wanted = messageIds as ISet<string> ?? new HashSet<string>(messageIds, StringComparer.Ordinal);
        var turns = new Dictionary<string, Turn>(StringComparer.Ordinal);
        if (!File.Exists(databasePath))
        {
            return turns;
        }

        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT message_id, turn_status, status, failure_kind, last_error, reply_handle FROM assistant_turns";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var messageId = reader.GetString(0);
            if (wanted.Contains(messageId))
            {
                turns[messageId] = new Turn(messageId, reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5));
            }
        }

        return turns;
    }
}

/// <summary>A turn as stored: its status, its queue item's state, how it failed, and the card it answered in.</summary>
internal sealed record Turn(string MessageId, string Status, string State, string? FailureKind, string? LastError, string? ReplyHandle);
