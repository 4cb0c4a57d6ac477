namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>Whether a connected space is kept in step.</summary>
public enum KnowledgeSyncState
{
    /// <summary>Passes run on the interval and on Feishu's edit events.</summary>
    Active,

    /// <summary>Nothing runs; the knowledge base keeps what it has.</summary>
    Paused,
}

/// <summary>Where one document of a connected space stands.</summary>
public enum KnowledgeDocumentState
{
    /// <summary>Found in the space, not pushed yet (or changed since).</summary>
    Pending,

    /// <summary>In the knowledge base as its text was at <see cref="KnowledgeDocumentRow.EditedAt"/>.</summary>
    Pushed,

    /// <summary>Not pushed: only some people may open it on Feishu, and the knowledge base answers everyone who asks.</summary>
    Restricted,

    /// <summary>Not pushed: a kind without text the Hub reads (a sheet, a base, a file…).</summary>
    Unsupported,

    /// <summary>Not pushed: Feishu or Dify refused it for good; <see cref="KnowledgeDocumentRow.Error"/> says why.</summary>
    Failed,
}

/// <summary>A Feishu wiki space kept in step with a Dify knowledge base (<c>feishu_knowledge_syncs</c>).</summary>
public sealed class KnowledgeSyncRow
{
    /// <summary><c>fks_</c> and 32 hex digits.</summary>
    public string Id { get; set; } = "";

    /// <summary>A name for people, unique.</summary>
    public string Name { get; set; } = "";

    /// <summary>The Hub app whose bot reads the space (<c>""</c>: the default app).</summary>
    public string App { get; set; } = "";

    /// <summary>The wiki space.</summary>
    public string SpaceId { get; set; } = "";

    /// <summary>The assistant whose Dify app the knowledge base serves (shown in the console); null when none is named.</summary>
    public string? Assistant { get; set; }

    /// <summary>Dify's service API, with its <c>/v1</c>.</summary>
    public string DifyBaseUrl { get; set; } = "";

    /// <summary>The knowledge base (Dify's dataset id).</summary>
    public string DatasetId { get; set; } = "";

    /// <summary>The knowledge API key (<c>dataset-…</c>), encrypted with the Hub's key ring.</summary>
    public string DatasetKeyProtected { get; set; } = "";

    /// <summary>Dify's knowledge requests a minute this sync may make (a Dify Cloud plan's limit); null: unpaced.</summary>
    public int? DifyRequestsPerMinute { get; set; }

    /// <summary>Push documents only some people may open too (the administrator's explicit choice).</summary>
    public bool IncludeRestricted { get; set; }

    /// <summary>Seconds between full passes that heal what events missed.</summary>
    public int IntervalSeconds { get; set; }

    /// <summary>Whether it runs.</summary>
    public KnowledgeSyncState State { get; set; }

    /// <summary>Passes run so far.</summary>
    public long Passes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the last pass ended.</summary>
    public DateTimeOffset? LastPassAt { get; set; }

    /// <summary>When the last full pass (the whole space walked) ended; the next is due an interval after it.</summary>
    public DateTimeOffset? LastFullPassAt { get; set; }

    /// <summary><c>ok</c>, or why the last pass stopped.</summary>
    public string? LastPassOutcome { get; set; }
}

/// <summary>One document of a connected space and its copy in the knowledge base (<c>feishu_knowledge_documents</c>).</summary>
public sealed class KnowledgeDocumentRow
{
    public string SyncId { get; set; } = "";

    /// <summary>The document's token (docx id for a docx).</summary>
    public string ObjToken { get; set; } = "";

    /// <summary>Its kind (<c>docx</c>, <c>sheet</c>, …).</summary>
    public string ObjType { get; set; } = "";

    /// <summary>Its wiki node.</summary>
    public string NodeToken { get; set; } = "";

    /// <summary>Its title as the space last showed it.</summary>
    public string Title { get; set; } = "";

    /// <summary>Its last edit as the space last showed it.</summary>
    public DateTimeOffset? EditedAt { get; set; }

    /// <summary>The edit time whose text is in the knowledge base; null when none is.</summary>
    public DateTimeOffset? PushedEditAt { get; set; }

    /// <summary>SHA-256 of the text last pushed (an edit that changes nothing pushes nothing).</summary>
    public string? ContentHash { get; set; }

    /// <summary>The title last pushed.</summary>
    public string? PushedTitle { get; set; }

    /// <summary>The knowledge base's document; null until created.</summary>
    public string? DifyDocumentId { get; set; }

    /// <summary>Set before a create is sent: a pass that finds it without <see cref="DifyDocumentId"/> looks the document up by name first.</summary>
    public DateTimeOffset? CreateSentAt { get; set; }

    /// <summary>Whether Feishu sends this document's edit events to the app.</summary>
    public bool Subscribed { get; set; }

    public KnowledgeDocumentState State { get; set; }

    /// <summary>Why it is not pushed (Restricted, Unsupported, Failed), for people.</summary>
    public string? Error { get; set; }

    /// <summary>When the row last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When its text last reached the knowledge base.</summary>
    public DateTimeOffset? PushedAt { get; set; }
}

/// <summary>A document Feishu's events said changed, waiting for its sync's next pass (<c>feishu_knowledge_marks</c>).</summary>
public sealed class KnowledgeMarkRow
{
    public string SyncId { get; set; } = "";

    /// <summary>The document's token; <c>""</c> asks for a full pass.</summary>
    public string ObjToken { get; set; } = "";

    /// <summary><c>edit</c>, <c>title</c>, <c>trashed</c>, <c>deleted</c> or <c>full</c>.</summary>
    public string Action { get; set; } = "";

    public DateTimeOffset MarkedAt { get; set; }
}
