namespace Larkway.Hub.Assistants.Storage;

/// <summary>
/// One conversation with an assistant (<c>assistant_sessions</c>), keyed by its <see cref="Key"/>: a person's (continuing
/// across platforms), a conversation's, or a thread's, as the assistant's session mode says. A session past
/// <see cref="ExpiresAt"/> or reset by <c>/new</c> is ended and the key's next one gets the next <see cref="Number"/>
/// (unique per key, so two replicas starting one at once make one); old sessions stay browsable with their turns.
/// </summary>
public sealed class AssistantSessionRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The assistant (<see cref="AssistantRow.Name"/>).</summary>
    public string Assistant { get; set; } = "";

    /// <summary>
    /// What the session belongs to: <c>person:per_…</c>, <c>chat:{platform}:{app}:{conversation}</c> or
    /// <c>thread:{platform}:{app}:{conversation}:{thread}</c>.
    /// </summary>
    public string Key { get; set; } = "";

    /// <summary>The session's number for its key: 1, then one more each time the key starts again.</summary>
    public int Number { get; set; }

    /// <summary>The person it belongs to, when the sender is linked to one.</summary>
    public string? PersonId { get; set; }

    /// <summary>The backend's conversation id (Dify's <c>conversation_id</c>), once the backend gave one.</summary>
    public string? BackendConversationId { get; set; }

    /// <summary>
    /// The prior turns an OpenAI-compatible backend needs (it keeps no state), as JSON, masked as sent to the backend;
    /// bounded by the assistant's history limit.
    /// </summary>
    public string? History { get; set; }

    /// <summary>Questions answered in it.</summary>
    public int Turns { get; set; }

    /// <summary>When it was ended (<c>/new</c>, or found expired); null while it continues.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>When started.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When last used.</summary>
    public DateTimeOffset LastActiveAt { get; set; }

    /// <summary>When it ends unless used again (last use + the assistant's time to live).</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}
