using System.Collections.Concurrent;

namespace Larkway.Hub.Assistants.Replies;

/// <summary>The words DingTalk and WeCom replies add around an answer, and how an end becomes the text shown.</summary>
internal static class AssistantReplyTexts
{
    /// <summary>Under an answer the user stopped, when the end names no notice.</summary>
    public const string Stopped = "(stopped)";

    /// <summary>Under an answer whose backend failed, when the end names no notice.</summary>
    public const string Failed = "The answer could not be completed; ask again.";

    /// <summary>Under what a reply showed when a stopped Hub left it open.</summary>
    public const string Interrupted = "The answer was interrupted; ask again.";

    /// <summary>At the foot of a part when the answer continues in the messages after it.</summary>
    public const string Continued = "(continued below)";

    /// <summary>The text an end shows: the answer, then its notice (a stop's or a failure's) on a line of its own.</summary>
    public static string Final(AssistantReplyEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        return end.Kind switch
        {
            AssistantReplyEndKind.Answered => end.Text ?? "",
            AssistantReplyEndKind.Stopped => WithNotice(end.Text, end.Notice ?? Stopped),
            _ => WithNotice(end.Text, end.Notice ?? Failed),
        };
    }

    /// <summary><paramref name="text"/>, a blank line, then <paramref name="notice"/>; the notice alone when there is no text.</summary>
    public static string WithNotice(string? text, string notice) =>
        string.IsNullOrWhiteSpace(text) ? notice : text.TrimEnd() + "\n\n" + notice;
}

/// <summary>
/// Keys this process has already acted on (a plain text sent once per idempotency key, a reply closed once): neither
/// DingTalk's sends nor WeCom's have a key of their own. Bounded; a key forgotten after many others, or after a restart,
/// may act twice — the router's durable state is what keeps a turn from being answered twice.
/// </summary>
internal sealed class RecentKeys(int capacity = 4096)
{
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>True the first time <paramref name="key"/> is seen.</summary>
    public bool TryAdd(string key)
    {
        if (!_keys.TryAdd(key, 0))
        {
            return false;
        }

        _order.Enqueue(key);
        while (_order.Count > capacity && _order.TryDequeue(out var old))
        {
            _keys.TryRemove(old, out _);
        }

        return true;
    }

    /// <summary>Forgets <paramref name="key"/> (its action failed, so a retry may act).</summary>
    public void Remove(string key) => _keys.TryRemove(key, out _);

    /// <summary>Runs <paramref name="action"/> the first time <paramref name="key"/> is seen; a failed action is forgotten, so a retry runs it again.</summary>
    public async Task OnceAsync(string key, Func<Task> action)
    {
        if (!TryAdd(key))
        {
            return;
        }

        try
        {
            await action().ConfigureAwait(false);
        }
        catch
        {
            Remove(key);
            throw;
        }
    }
}
