using System.Globalization;
using System.Text.Json;
using Larkway.Feishu.Http;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

/// <summary>Comments on approval instances (<c>/open-apis/approval/v4/instances/{id}/comments</c>).</summary>
public class ApprovalCommentsClient
{
    private const string Comments = "/open-apis/approval/v4/instances/{instance_id}/comments";

    /// <summary>The largest page <see cref="ListAsync"/> asks for.</summary>
    public const int MaxPageSize = 100;

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ApprovalCommentsClient()
    {
    }

    internal ApprovalCommentsClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Adds (or, with <see cref="ApprovalCommentCreate.CommentId"/>, edits) a comment as <paramref name="userId"/>; returns the comment id.</summary>
    /// <exception cref="ArgumentException">A missing instance, user or text (nothing sent).</exception>
    public virtual async Task<string> CreateAsync(
        string instanceCode, string userId, ApprovalCommentCreate comment, UserIdType userIdType = UserIdType.OpenId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comment);
        var path = Path(instanceCode, userId, userIdType, "").ToString();
        var body = new CreateCommentBody
        {
            Content = JsonSerializer.Serialize(new CommentContentWire(ApprovalChecks.Required(comment.Text, nameof(comment.Text), "the comment's text")), ApprovalJsonContext.Wire.CommentContentWire),
            AtInfoList = comment.Mentions?.Select(m => new CommentMentionWire(m.UserId, m.Name, m.Offset.ToString(CultureInfo.InvariantCulture))).ToList(),
            ParentCommentId = comment.ParentCommentId,
            CommentId = comment.CommentId,
            DisableBot = comment.DisableBot,
            Extra = comment.Extra,
        };
        var data = await _pipeline.SendAsync(
            new FeishuRequest(HttpMethod.Post, path, Comments) { Content = JsonBody.Create(body, ApprovalJsonContext.Wire.CreateCommentBody) },
            ApprovalJsonContext.Wire.CommentIdEnvelope, cancellationToken).ConfigureAwait(false);
        return data.CommentId ?? "";
    }

    /// <summary>An instance's comments with their replies, as <paramref name="userId"/> sees them, lazily page by page.</summary>
    public virtual FeishuPageable<ApprovalInstanceComment> ListAsync(
        string instanceCode, string userId, UserIdType userIdType = UserIdType.OpenId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        Path(instanceCode, userId, userIdType, ""); // Checks the ids now, not at the first page.
        Checks.PageSize(pageSize, MaxPageSize);
        return new FetchPageable<ApprovalInstanceComment>(async (token, size, ct) =>
        {
            Checks.PageSize(size, MaxPageSize);
            var path = Path(instanceCode, userId, userIdType, "").Add("page_size", size).Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Comments), ApprovalJsonContext.Wire.CommentPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage();
        }, pageSize, cancellationToken);
    }

    /// <summary>Deletes one comment as its author (<c>DELETE …/comments/{comment_id}</c>).</summary>
    public virtual Task DeleteAsync(string instanceCode, string commentId, string userId, UserIdType userIdType = UserIdType.OpenId, CancellationToken cancellationToken = default)
    {
        commentId = ApprovalChecks.Required(commentId, nameof(commentId), "the comment's id");
        var path = Path(instanceCode, userId, userIdType, "/" + Query.Segment(commentId)).ToString();
        return _pipeline.SendAsync(new FeishuRequest(HttpMethod.Delete, path, Comments + "/{comment_id}") { Idempotent = true }, cancellationToken);
    }

    /// <summary>Removes every comment of an instance (<c>POST …/comments/remove</c>).</summary>
    public virtual Task RemoveAllAsync(string instanceCode, string userId, UserIdType userIdType = UserIdType.OpenId, CancellationToken cancellationToken = default)
    {
        var path = Path(instanceCode, userId, userIdType, "/remove").ToString();
        return _pipeline.SendAsync(new FeishuRequest(HttpMethod.Post, path, Comments + "/remove") { Idempotent = true }, cancellationToken);
    }

    private static Query Path(string instanceCode, string userId, UserIdType userIdType, string suffix)
    {
        instanceCode = ApprovalChecks.Required(instanceCode, nameof(instanceCode), "the instance code");
        userId = ApprovalChecks.Required(userId, nameof(userId), "the commenting user's id");
        return new Query($"/open-apis/approval/v4/instances/{Query.Segment(instanceCode)}/comments{suffix}")
            .Add("user_id_type", Checks.Wire(userIdType))
            .Add("user_id", userId);
    }
}
