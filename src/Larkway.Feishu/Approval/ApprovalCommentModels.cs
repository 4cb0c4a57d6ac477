namespace Larkway.Feishu.Approval;

/// <summary>A comment to add to an instance, or (with <see cref="CommentId"/>) an edit of one.</summary>
public sealed record ApprovalCommentCreate
{
    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>People mentioned in the text.</summary>
    public IReadOnlyList<ApprovalCommentMention>? Mentions { get; init; }

    /// <summary>The comment this replies to.</summary>
    public string? ParentCommentId { get; init; }

    /// <summary>The comment to edit instead of adding one.</summary>
    public string? CommentId { get; init; }

    /// <summary>Whether the bot's notice of the comment is suppressed.</summary>
    public bool? DisableBot { get; init; }

    /// <summary>Extra data kept with the comment.</summary>
    public string? Extra { get; init; }
}

/// <summary>A person mentioned in a comment, at character <paramref name="Offset"/> of its text.</summary>
public sealed record ApprovalCommentMention(string UserId, string Name, int Offset);

/// <summary>A comment as the comments list returns it.</summary>
public sealed record ApprovalInstanceComment
{
    /// <summary>Its id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The text (from the content JSON).</summary>
    public string Text { get; init; } = "";

    /// <summary>The content as received (a JSON string <c>{"text":…,"files":[…]}</c>).</summary>
    public string Content { get; init; } = "";

    /// <summary>Who wrote it.</summary>
    public string? Commentator { get; init; }

    /// <summary>When it was written.</summary>
    public DateTimeOffset CreateTime { get; init; }

    /// <summary>When it was last edited.</summary>
    public DateTimeOffset? UpdateTime { get; init; }

    /// <summary>Whether it was deleted.</summary>
    public bool IsDeleted { get; init; }

    /// <summary>People mentioned.</summary>
    public IReadOnlyList<ApprovalCommentMention> Mentions { get; init; } = [];

    /// <summary>Replies to it.</summary>
    public IReadOnlyList<ApprovalInstanceComment> Replies { get; init; } = [];

    /// <summary>Extra data kept with it.</summary>
    public string? Extra { get; init; }
}
