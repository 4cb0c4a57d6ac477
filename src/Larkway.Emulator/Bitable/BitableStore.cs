using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

/// <summary>
/// The tenant's bases. One lock guards all of them; a change runs as a <see cref="BitableTransaction"/> that validates
/// everything before it writes (batches are all-or-nothing, as the overview page says), then advances revisions and
/// publishes its record and field events while the lock is still held, so two writes can never emit their events out of
/// order (publishing only queues them).
/// </summary>
internal sealed class BitableStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, BitableBase> _bases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BitableMedium> _media = new(StringComparer.Ordinal);

    public BitableStore(EmulatorState state, EmulatorOptions options, StateLoad load)
    {
        State = state;
        Options = options.Bitable;
        Clock = options.TimeProvider;
        foreach (var existing in load.Snapshot?.Bitable?.Bases ?? [])
        {
            _bases[existing.AppToken] = existing;
        }

        foreach (var medium in load.Snapshot?.Bitable?.Media ?? [])
        {
            _media[medium.FileToken] = medium;
        }
    }

    public EmulatorState State { get; }

    public BitableOptions Options { get; }

    public TimeProvider Clock { get; }

    public IEnumerable<BitableBase> Bases => _bases.Values;

    /// <summary>Runs <paramref name="read"/> under the lock (views must be built inside it).</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    /// <summary>Runs a change by <paramref name="actor"/> under the lock and publishes the events it raised, in order.</summary>
    public T Change<T>(ChangeActor actor, Func<BitableTransaction, T> change)
    {
        lock (_gate)
        {
            var transaction = new BitableTransaction(this, Clock.GetUtcNow().ToUnixTimeMilliseconds(), actor);
            var result = change(transaction);
            foreach (var raised in transaction.Commit())
            {
                State.Publish(raised);
            }

            State.Revision.Advance();
            return result;
        }
    }

    /// <summary>The base, or 1254040; a token that cannot be one (empty, too long) is 1254003.</summary>
    public BitableBase Base(string appToken)
    {
        if (appToken.Length is 0 or > 100)
        {
            throw BitableErrors.Error(BitableErrors.WrongBaseToken, $"app_token '{appToken}' is not a base token");
        }

        return _bases.GetValueOrDefault(appToken) ?? throw BitableErrors.Error(BitableErrors.BaseTokenNotFound, $"no base has app_token '{appToken}'");
    }

    public BitableBase? FindBase(string appToken) => _bases.GetValueOrDefault(appToken);

    public static BitableTable Table(BitableBase app, string tableId)
    {
        if (tableId.Length is 0 or > 50)
        {
            throw BitableErrors.Error(BitableErrors.WrongTableId, $"table_id '{tableId}' is not a table id");
        }

        return app.FindTable(tableId) ?? throw BitableErrors.Error(BitableErrors.TableIdNotFound, $"base {app.AppToken} has no table '{tableId}'");
    }

    public static BitableView View(BitableTable table, string viewId) =>
        table.FindView(viewId) ?? throw BitableErrors.Error(BitableErrors.ViewIdNotFound, $"table {table.TableId} has no view '{viewId}'");

    public static BitableField Field(BitableTable table, string fieldId) =>
        table.FindField(fieldId) ?? throw BitableErrors.Error(BitableErrors.FieldIdNotFound, $"table {table.TableId} has no field '{fieldId}'");

    public static BitableRecord Record(BitableTable table, string recordId) =>
        table.FindRecord(recordId) ?? throw BitableErrors.Error(BitableErrors.RecordIdNotFound, $"table {table.TableId} has no record '{recordId}'");

    internal void PutBase(BitableBase app) => _bases[app.AppToken] = app;

    internal bool RemoveBase(string appToken) => _bases.Remove(appToken);

    /// <summary>An attachment uploaded to a base (drive media upload), or null.</summary>
    public BitableMedium? Media(string fileToken) => _media.GetValueOrDefault(fileToken);

    internal void PutMedia(BitableMedium medium) => _media[medium.FileToken] = medium;

    // ---- the state file ----------------------------------------------------------------------------

    /// <summary>A detached copy of every base, serialized under the lock and read back outside it.</summary>
    public BitableSnapshot Export()
    {
        byte[] json;
        lock (_gate)
        {
            var now = Clock.GetUtcNow();
            foreach (var app in _bases.Values)
            {
                app.ClientTokens.RemoveAll(c => c.Expires <= now);
            }

            json = JsonSerializer.SerializeToUtf8Bytes(new BitableSnapshot([.. _bases.Values.OrderBy(b => b.CreatedTime)]) { Media = [.. _media.Values] }, StateSnapshotJson.Default.BitableSnapshot);
        }

        return JsonSerializer.Deserialize(json, StateSnapshotJson.Default.BitableSnapshot)!;
    }

    /// <summary>A deep copy of a base through the state file's JSON (copy app, and the control API's exports).</summary>
    public static BitableBase Clone(BitableBase app) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(app, StateSnapshotJson.Default.BitableBase), StateSnapshotJson.Default.BitableBase)!;
}

/// <summary>What the bitable store holds in the state file.</summary>
internal sealed record BitableSnapshot(IReadOnlyList<BitableBase> Bases)
{
    /// <summary>Attachments uploaded to bases (with their bytes).</summary>
    public IReadOnlyList<BitableMedium> Media { get; init; } = [];

    public void Check()
    {
        foreach (var app in Bases)
        {
            foreach (var table in app.Tables)
            {
                var fields = table.Fields.Select(f => f.FieldId).ToHashSet(StringComparer.Ordinal);
                if (table.Records.SelectMany(r => r.Cells.Keys).FirstOrDefault(id => !fields.Contains(id)) is { } orphan)
                {
                    throw new InvalidDataException($"a record of table {table.TableId} in base {app.AppToken} has a cell of field {orphan}, which the table does not have");
                }
            }
        }
    }
}
