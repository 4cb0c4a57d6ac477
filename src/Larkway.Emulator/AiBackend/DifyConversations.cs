using System.Security.Cryptography;
using System.Text;

namespace Larkway.Emulator.AiBackend;

/// <summary>
/// A Dify conversation: its id, the app it belongs to (a digest of the app key, never the key), the end user who started
/// it, when, and how many questions it has had. Kept in the state file.
/// </summary>
internal sealed record DifyConversation(string Id, string App, string User, DateTimeOffset CreatedAt, int Turns);

/// <summary>
/// The fake backend's part of the state file: the Dify conversations and knowledge bases (faults, settings, limits, call
/// counts and the request log start afresh).
/// </summary>
internal sealed record AiBackendSnapshot(IReadOnlyList<DifyConversation>? DifyConversations = null, KnowledgeSnapshot? Knowledge = null);

/// <summary>
/// Dify's conversations: one is created by a question with an empty <c>conversation_id</c> and then resolves only for the
/// same app and the same <c>user</c> (anything else is Dify's 404 "Conversation Not Exists.").
/// </summary>
internal sealed class DifyConversations
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DifyConversation> _byId = new(StringComparer.Ordinal);

    /// <summary>Raised after every change (the state file writer listens).</summary>
    public event Action? Changed;

    public static string AppOf(string appKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(appKey)))[..16];

    /// <summary>A new conversation with its first turn counted.</summary>
    public DifyConversation Start(string app, string user, DateTimeOffset now)
    {
        var conversation = new DifyConversation(Guid.NewGuid().ToString(), app, user, now, 1);
        lock (_gate)
        {
            _byId[conversation.Id] = conversation;
        }

        Changed?.Invoke();
        return conversation;
    }

    /// <summary>Counts one more turn of <paramref name="id"/> when it belongs to <paramref name="app"/> and <paramref name="user"/>; else null.</summary>
    public DifyConversation? Continue(string id, string app, string user)
    {
        DifyConversation next;
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var found) || found.App != app || found.User != user)
            {
                return null;
            }

            next = found with { Turns = found.Turns + 1 };
            _byId[id] = next;
        }

        Changed?.Invoke();
        return next;
    }

    public IReadOnlyList<DifyConversation> List()
    {
        lock (_gate)
        {
            return [.. _byId.Values.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal)];
        }
    }

    public AiBackendSnapshot Export() => new(List());

    public void Restore(AiBackendSnapshot? snapshot)
    {
        lock (_gate)
        {
            _byId.Clear();
            foreach (var conversation in snapshot?.DifyConversations ?? [])
            {
                _byId[conversation.Id] = conversation;
            }
        }
    }
}

/// <summary>A Dify answer being generated: who asked (only they may stop it) and how to stop it.</summary>
internal sealed class DifyTask(string taskId, string app, string user) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public string TaskId { get; } = taskId;

    public string App { get; } = app;

    public string User { get; } = user;

    public CancellationToken Stopped => _stop.Token;

    public void Stop() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();
}

/// <summary>The answers being generated, by task id, for <c>POST /chat-messages/{task_id}/stop</c>.</summary>
internal sealed class DifyTasks
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DifyTask> _running = new(StringComparer.Ordinal);

    public DifyTask Begin(string app, string user)
    {
        var task = new DifyTask(Guid.NewGuid().ToString(), app, user);
        _running[task.TaskId] = task;
        return task;
    }

    public void End(DifyTask task)
    {
        _running.TryRemove(task.TaskId, out _);
        task.Dispose();
    }

    /// <summary>Stops the task when it is running for that app and user; Dify answers success either way.</summary>
    public bool Stop(string taskId, string app, string user)
    {
        if (_running.TryGetValue(taskId, out var task) && task.App == app && task.User == user)
        {
            try
            {
                task.Stop();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        return false;
    }
}
