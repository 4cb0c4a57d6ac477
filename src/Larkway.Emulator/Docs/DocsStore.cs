using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Docs;

/// <summary>Who calls: the app, and for a user_access_token the user (home open_id). With a tenant token the app itself.</summary>
internal sealed record DocIdentity(string AppId, string? UserOpenId)
{
    public bool IsUser => UserOpenId is not null;

    public ChangeActor Actor => UserOpenId is { } user ? ChangeActor.User(user) : ChangeActor.App(AppId);

    public static DocIdentity Person(string appId, string openId) => new(appId, openId);
}

/// <summary>A document event raised, as the control API lists it (not kept in the state file).</summary>
internal sealed record DocEventRecord(string EventType, string FileToken, ChangeActor Operator, IReadOnlyList<string> AppIds, long Time);

/// <summary>
/// The tenant's documents, folders and wiki spaces. One lock guards all of it; a change runs as a
/// <see cref="DocsTransaction"/> whose events are published while the lock is still held, so two edits of one document can
/// never emit their events out of order (publishing only queues them). A change that fails puts the document's blocks back
/// as they were: batch edits are all or nothing.
/// </summary>
internal sealed class DocsStore
{
    private const int EventLogSize = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DocFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WikiSpace> _spaces = new(StringComparer.Ordinal);
    private readonly List<WikiNode> _nodes = [];
    private readonly List<DocEventRecord> _events = [];

    public DocsStore(EmulatorState state, EmulatorOptions options, StateLoad load)
    {
        State = state;
        Clock = options.TimeProvider;
        if (load.Snapshot is { } snapshot)
        {
            foreach (var file in snapshot.Docs?.Files ?? [])
            {
                _files[file.Token] = file;
            }

            foreach (var space in snapshot.Docs?.Spaces ?? [])
            {
                _spaces[space.SpaceId] = space;
            }

            _nodes.AddRange(snapshot.Docs?.Nodes ?? []);
        }
        else if (options.SeedFile is null)
        {
            // Like the sample approvals: the handbook belongs to the default tenant; a seed file describes its own world.
            DefaultDocs.Seed(this, options.AppId);
        }
    }

    public EmulatorState State { get; }

    public TimeProvider Clock { get; }

    public IEnumerable<DocFile> Files => _files.Values;

    public IEnumerable<WikiSpace> Spaces => _spaces.Values.OrderBy(s => s.SpaceId, StringComparer.Ordinal);

    public IReadOnlyList<WikiNode> Nodes => _nodes;

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Runs <paramref name="read"/> under the lock (views must be built inside it).</summary>
    public T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    /// <summary>Runs a change by <paramref name="actor"/> under the lock and publishes the events it raised, in order.</summary>
    public T Change<T>(ChangeActor actor, Func<DocsTransaction, T> change)
    {
        lock (_gate)
        {
            var transaction = new DocsTransaction(this, NowMs, actor);
            T result;
            try
            {
                result = change(transaction);
            }
            catch
            {
                transaction.Rollback();
                throw;
            }

            foreach (var raised in transaction.Commit())
            {
                State.Publish(raised);
            }

            State.Revision.Advance();
            return result;
        }
    }

    public DocFile? FindFile(string token) => _files.GetValueOrDefault(token);

    public WikiSpace? FindSpace(string spaceId) => _spaces.GetValueOrDefault(spaceId);

    public WikiNode? FindNode(string nodeToken) => _nodes.Find(n => n.NodeToken == nodeToken);

    public WikiNode? NodeOf(DocFile file) => file.NodeToken is { } token ? FindNode(token) : null;

    public IEnumerable<WikiNode> ChildrenOf(string spaceId, string parentNodeToken) =>
        _nodes.Where(n => n.SpaceId == spaceId && n.ParentNodeToken == parentNodeToken);

    internal void PutFile(DocFile file) => _files[file.Token] = file;

    internal void PutSpace(WikiSpace space) => _spaces[space.SpaceId] = space;

    internal void PutNode(WikiNode node) => _nodes.Add(node);

    /// <summary>The root folder ("My Space") of an app or a user, made on first use with a token derived from its owner.</summary>
    internal DocFile RootOf(ChangeActor owner)
    {
        var token = DocsIds.Stable(owner.OpenId is { } user ? "root:user:" + user : "root:app:" + owner.AppId);
        if (!_files.TryGetValue(token, out var root))
        {
            root = new DocFile { Token = token, Type = "folder", Title = "My Space", Owner = owner, IsRoot = true, CreatedTime = NowMs, ModifiedTime = NowMs };
            _files[token] = root;
            State.Revision.Advance();
        }

        return root;
    }

    internal void Log(DocEventRecord record)
    {
        _events.Add(record);
        if (_events.Count > EventLogSize)
        {
            _events.RemoveAt(0);
        }
    }

    public IReadOnlyList<DocEventRecord> EventLog() => Read(() => _events.ToList());

    // ---- the state file ----------------------------------------------------------------------------

    /// <summary>A detached copy of everything, serialized under the lock and read back outside it.</summary>
    public DocsSnapshot Export()
    {
        byte[] json;
        lock (_gate)
        {
            json = JsonSerializer.SerializeToUtf8Bytes(
                new DocsSnapshot([.. _files.Values.OrderBy(f => f.CreatedTime).ThenBy(f => f.Token, StringComparer.Ordinal)], [.. Spaces], [.. _nodes]),
                StateSnapshotJson.Default.DocsSnapshot);
        }

        return JsonSerializer.Deserialize(json, StateSnapshotJson.Default.DocsSnapshot)!;
    }
}

/// <summary>
/// One change of the documents by one actor (runs under the store's lock). Edits of a docx are noted with
/// <see cref="Edited"/>: at commit each edited document gains one revision and its subscribers one
/// <c>drive.file.edit_v1</c> — one event per edit operation (a batch_update of many blocks is one event).
/// </summary>
internal sealed class DocsTransaction(DocsStore store, long now, ChangeActor actor)
{
    public const string EditEvent = "drive.file.edit_v1";
    public const string TitleUpdatedEvent = "drive.file.title_updated_v1";
    public const string TrashedEvent = "drive.file.trashed_v1";
    public const string DeletedEvent = "drive.file.deleted_v1";

    private readonly List<DocFile> _edited = [];
    private readonly List<(DocFile File, string EventType)> _fileEvents = [];
    private readonly Dictionary<DocFile, (List<DocBlock> Blocks, string Title, int Revision)> _before = [];

    public long Now => now;

    public ChangeActor Actor => actor;

    public DocsStore Store => store;

    /// <summary>Keeps the document's blocks as they are now, so a failure later in this change can put them back.</summary>
    public void Begin(DocFile file)
    {
        if (!_before.ContainsKey(file))
        {
            _before[file] = ([.. file.Blocks.Select(b => b.Copy())], file.Title, file.RevisionId);
        }
    }

    /// <summary>The document's content changed: one revision more and one edit event at commit.</summary>
    public void Edited(DocFile file)
    {
        if (!_edited.Contains(file))
        {
            _edited.Add(file);
        }
    }

    /// <summary>The new revision an edit of <paramref name="file"/> ends at (what the response reports).</summary>
    public int RevisionAfter(DocFile file) => _before.TryGetValue(file, out var before) ? before.Revision + 1 : file.RevisionId + 1;

    public void TitleUpdated(DocFile file) => _fileEvents.Add((file, TitleUpdatedEvent));

    public void Trashed(DocFile file) => _fileEvents.Add((file, TrashedEvent));

    public void Deleted(DocFile file) => _fileEvents.Add((file, DeletedEvent));

    public void Rollback()
    {
        foreach (var (file, before) in _before)
        {
            file.Blocks = before.Blocks;
            file.Title = before.Title;
            file.RevisionId = before.Revision;
        }
    }

    public IEnumerable<StateChange> Commit()
    {
        var changes = new List<StateChange>();
        foreach (var file in _edited)
        {
            file.RevisionId = RevisionAfter(file);
            file.ModifiedTime = now;
            file.ModifiedBy = actor;
            changes.AddRange(Raise(file, EditEvent));
        }

        foreach (var (file, eventType) in _fileEvents)
        {
            file.ModifiedTime = now;
            changes.AddRange(Raise(file, eventType));
        }

        return changes;
    }

    private IEnumerable<StateChange> Raise(DocFile file, string eventType)
    {
        var apps = file.Subscriptions.Select(s => s.AppId).Distinct(StringComparer.Ordinal).ToList();
        if (apps.Count == 0)
        {
            yield break;
        }

        store.Log(new DocEventRecord(eventType, file.Token, actor, apps, now));
        var state = store.State;
        var subscriptions = file.Subscriptions.ToList();
        yield return new V2EventChange(apps, eventType, ids =>
        {
            var payload = new JsonObject
            {
                ["file_type"] = file.Type,
                ["file_token"] = file.Token,
            };
            var operatorId = DocsViews.UserIdObject(state, ids, actor);
            if (eventType == EditEvent)
            {
                payload["operator_id_list"] = new JsonArray(operatorId);
            }
            else
            {
                payload["operator_id"] = operatorId;
            }

            payload["subscriber_id_list"] = new JsonArray([.. subscriptions
                .Where(s => s.AppId == ids.AppId && s.UserOpenId is not null)
                .Select(s => (JsonNode)DocsViews.UserIdObject(state, ids, ChangeActor.User(s.UserOpenId!)))]);
            return payload;
        });
    }
}
