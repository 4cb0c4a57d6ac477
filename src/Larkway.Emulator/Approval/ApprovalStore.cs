using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Approval;

/// <summary>
/// The tenant's approvals: definitions, per-app subscriptions, instances with their tasks, and external
/// approvals. One lock guards all of it; a change runs as an <see cref="ApprovalTransaction"/> that
/// publishes its events while the lock is still held, so two operations on one instance can never emit
/// their events out of order (publishing only queues them).
/// </summary>
internal sealed class ApprovalStore
{
    private readonly EmulatorState _state;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ApprovalDefinition> _definitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _subscribers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApprovalInstance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _uuids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExternalDefinition> _externalDefinitions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ApprovalCode, string InstanceId), ExternalInstance> _externalInstances = [];
    private long _ids = 7_000_000_000_000_000;

    public ApprovalStore(EmulatorState state, EmulatorOptions options, StateLoad load)
    {
        _state = state;
        if (load.Snapshot is { } snapshot)
        {
            // The state file holds the seed's definitions already (and whatever became of them).
            Restore(snapshot.Approvals);
        }
        else if (options.SeedFile is null)
        {
            // Sample definitions belong to the default tenant only; a seed file describes its own world.
            DefaultApprovals.Seed(this, state, options.AppId);
        }
    }

    public EmulatorState State => _state;

    /// <summary>Runs <paramref name="read"/> under the lock (views must be built inside it).</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    /// <summary>Runs a change under the lock and publishes the events it raised, in order.</summary>
    public T Change<T>(Func<ApprovalTransaction, T> change)
    {
        lock (_gate)
        {
            var transaction = new ApprovalTransaction(this, _state.NowMs());
            var result = change(transaction);
            _state.Revision.Advance();
            foreach (var raised in transaction.Events)
            {
                _state.Publish(raised);
            }

            return result;
        }
    }

    // ---- the state file ----------------------------------------------------------------------------

    /// <summary>
    /// A detached copy of everything the store holds. The entities are mutable and change under the lock, so they are
    /// serialized under it; the copy is read back outside it.
    /// </summary>
    public ApprovalsSnapshot Export()
    {
        byte[] json;
        lock (_gate)
        {
            var live = new ApprovalsSnapshot(
                [.. _definitions.Values],
                _subscribers.ToDictionary(s => s.Key, s => (IReadOnlyList<string>)[.. s.Value], StringComparer.Ordinal),
                [.. _instances.Values.OrderBy(i => i.StartTime)],
                [.. _externalDefinitions.Values],
                [.. _externalInstances.Values],
                _ids);
            json = JsonSerializer.SerializeToUtf8Bytes(live, StateSnapshotJson.Default.ApprovalsSnapshot);
        }

        return JsonSerializer.Deserialize(json, StateSnapshotJson.Default.ApprovalsSnapshot)!;
    }

    private void Restore(ApprovalsSnapshot snapshot)
    {
        foreach (var definition in snapshot.Definitions)
        {
            PutDefinition(definition);
        }

        foreach (var (approvalCode, apps) in snapshot.Subscribers)
        {
            _subscribers[approvalCode] = new HashSet<string>(apps, StringComparer.Ordinal);
        }

        foreach (var instance in snapshot.Instances)
        {
            PutInstance(instance);
        }

        foreach (var definition in snapshot.ExternalDefinitions)
        {
            PutExternalDefinition(definition);
        }

        foreach (var instance in snapshot.ExternalInstances)
        {
            PutExternalInstance(instance);
        }

        _ids = Math.Max(_ids, snapshot.LastId);
    }

    // ---- lookups (call under the lock) ------------------------------------------------------------

    public IEnumerable<ApprovalDefinition> Definitions => _definitions.Values;

    public IEnumerable<ApprovalInstance> Instances => _instances.Values;

    public ApprovalDefinition Definition(string code) =>
        _definitions.GetValueOrDefault(code) ?? throw ApiErrorException.BadRequest(ErrorCodes.ApprovalCodeNotFound, $"approval code '{code}' not found");

    public ApprovalDefinition? FindDefinition(string code) => _definitions.GetValueOrDefault(code);

    /// <summary>By instance code or by the uuid given at creation (the get page accepts both).</summary>
    public ApprovalInstance Instance(string codeOrUuid) =>
        _instances.GetValueOrDefault(codeOrUuid)
        ?? (_uuids.TryGetValue(codeOrUuid, out var code) ? _instances[code] : null)
        ?? throw ApiErrorException.BadRequest(ErrorCodes.ApprovalInstanceNotFound, $"instance '{codeOrUuid}' not found");

    public ApprovalInstance? FindInstance(string codeOrUuid) =>
        _instances.GetValueOrDefault(codeOrUuid) ?? (_uuids.TryGetValue(codeOrUuid, out var code) ? _instances[code] : null);

    public IReadOnlyCollection<string> SubscribersOf(string approvalCode) =>
        _subscribers.TryGetValue(approvalCode, out var apps) ? apps : [];

    public bool IsSubscribed(string approvalCode, string appId) => _subscribers.TryGetValue(approvalCode, out var apps) && apps.Contains(appId);

    public ExternalDefinition? FindExternalDefinition(string code) => _externalDefinitions.GetValueOrDefault(code);

    public IEnumerable<ExternalInstance> ExternalInstances => _externalInstances.Values;

    public ExternalInstance? FindExternalInstance(string approvalCode, string instanceId) => _externalInstances.GetValueOrDefault((approvalCode, instanceId));

    // ---- writes used by transactions ----------------------------------------------------------------

    internal string NextId() => (++_ids).ToString(CultureInfo.InvariantCulture);

    internal void PutDefinition(ApprovalDefinition definition) => _definitions[definition.Code] = definition;

    internal void PutInstance(ApprovalInstance instance)
    {
        _instances[instance.Code] = instance;
        if (instance.Uuid is not null)
        {
            _uuids[instance.Uuid] = instance.Code;
        }
    }

    internal bool UuidTaken(string uuid) => _uuids.ContainsKey(uuid);

    internal bool Subscribe(string approvalCode, string appId)
    {
        if (!_subscribers.TryGetValue(approvalCode, out var apps))
        {
            _subscribers[approvalCode] = apps = new HashSet<string>(StringComparer.Ordinal);
        }

        return apps.Add(appId);
    }

    internal bool Unsubscribe(string approvalCode, string appId) => _subscribers.TryGetValue(approvalCode, out var apps) && apps.Remove(appId);

    internal void PutExternalDefinition(ExternalDefinition definition) => _externalDefinitions[definition.Code] = definition;

    internal void PutExternalInstance(ExternalInstance instance) => _externalInstances[(instance.ApprovalCode, instance.InstanceId)] = instance;
}
