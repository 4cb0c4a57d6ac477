using System.Globalization;
using System.Text.Json;

namespace Larkway.Feishu.Approval;

// Wire shapes of instance comments.

internal sealed record CommentContentWire(string Text);

internal sealed record CommentMentionWire(string UserId, string Name, string Offset);

internal sealed class CreateCommentBody
{
    public required string Content { get; init; }

    public List<CommentMentionWire>? AtInfoList { get; init; }

    public string? ParentCommentId { get; init; }

    public string? CommentId { get; init; }

    public bool? DisableBot { get; init; }

    public string? Extra { get; init; }
}

internal sealed class CommentIdData
{
    public string? CommentId { get; set; }
}

internal sealed class CommentPageData
{
    public List<InstanceCommentWire>? Comments { get; set; }

    public bool HasMore { get; set; }

    public string? PageToken { get; set; }

    public FeishuPage<ApprovalInstanceComment> ToPage() => new([.. (Comments ?? []).Select(c => c.ToModel())], HasMore ? PageToken : null, HasMore);
}

internal sealed class InstanceCommentWire
{
    public string? Id { get; set; }

    public string? Content { get; set; }

    public string? CreateTime { get; set; }

    public string? UpdateTime { get; set; }

    public int IsDelete { get; set; }

    public List<InstanceCommentWire>? Replies { get; set; }

    public List<MentionReadWire>? AtInfoList { get; set; }

    public string? Commentator { get; set; }

    public string? Extra { get; set; }

    public ApprovalInstanceComment ToModel() => new()
    {
        Id = Id ?? "",
        Text = TextOf(Content),
        Content = Content ?? "",
        Commentator = ApprovalTime.Empty(Commentator),
        CreateTime = ApprovalTime.Parse(CreateTime) ?? default,
        UpdateTime = ApprovalTime.Parse(UpdateTime),
        IsDeleted = IsDelete == 1,
        Mentions = AtInfoList?.Select(m => new ApprovalCommentMention(m.UserId ?? "", m.Name ?? "",
            int.TryParse(m.Offset, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0)).ToArray() ?? [],
        Replies = Replies?.Select(r => r.ToModel()).ToArray() ?? [],
        Extra = ApprovalTime.Empty(Extra),
    };

    // The content is a JSON string {"text":…}; anything else is shown as it came.
    private static string TextOf(string? content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? text.GetString() ?? ""
                : content;
        }
        catch (JsonException)
        {
            return content;
        }
    }
}

internal sealed class MentionReadWire
{
    public string? UserId { get; set; }

    public string? Name { get; set; }

    public string? Offset { get; set; }
}
