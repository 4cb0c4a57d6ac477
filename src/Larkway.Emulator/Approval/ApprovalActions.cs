using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Approval;

/// <summary>
/// The checks every surface (Open API, control API, web page) applies before a user acts on a task or
/// an instance: the task exists and is PENDING (1390010 otherwise), and the user is its assignee
/// (1390009, HTTP 403).
/// </summary>
internal static class ApprovalActions
{
    public static ApprovalTask PendingTaskOf(ApprovalInstance instance, string taskId, string openId)
    {
        var task = instance.Tasks.Find(t => t.Id == taskId)
            ?? throw ApiErrorException.BadRequest(ErrorCodes.ApprovalTaskNotFound, $"task '{taskId}' not found in instance '{instance.Code}'");
        if (task.Status != ApprovalStatus.Pending)
        {
            throw ApiErrorException.BadRequest(ErrorCodes.ApprovalTaskNotFound, $"task '{taskId}' is {task.Status}; only a PENDING task can be acted on");
        }

        return task.OpenId == openId
            ? task
            : throw new ApiErrorException(403, ErrorCodes.ApprovalNoPermission, $"no operation permission: task '{taskId}' is assigned to another user");
    }

    /// <summary>The instance, checked to belong to <paramref name="approvalCode"/> when one is given.</summary>
    public static ApprovalInstance InstanceOf(ApprovalStore store, string instanceCode, string? approvalCode)
    {
        var instance = store.Instance(instanceCode);
        return approvalCode is null || approvalCode == instance.ApprovalCode
            ? instance
            : throw ApiErrorException.BadRequest(ErrorCodes.ApprovalInvalidParameter, $"instance '{instanceCode}' does not belong to approval_code '{approvalCode}'");
    }

    /// <summary>Adds (or, with <paramref name="commentId"/>, edits) a comment; only its author may edit.</summary>
    public static ApprovalComment Comment(ApprovalStore store, ApprovalInstance instance, string openId, string content, string? commentId, long now)
    {
        if (commentId is null)
        {
            var comment = new ApprovalComment(store.NextId(), openId, content, now) { UpdateTime = now };
            instance.Comments.Add(comment);
            return comment;
        }

        var index = instance.Comments.FindIndex(c => c.Id == commentId && !c.Deleted);
        if (index < 0)
        {
            throw ApiErrorException.BadRequest(ErrorCodes.ApprovalInvalidParameter, $"comment '{commentId}' not found");
        }

        if (instance.Comments[index].OpenId != openId)
        {
            throw new ApiErrorException(403, ErrorCodes.ApprovalNoPermission, "no operation permission: only the comment's author can edit it");
        }

        instance.Comments[index] = instance.Comments[index] with { Content = content, UpdateTime = now };
        return instance.Comments[index];
    }

    /// <summary>Resolves a user reference of the given id type in the calling app's ids; unknown (or another app's open_id) → 1390004.</summary>
    public static EmulatorUser User(AppUserIds ids, string idType, string id, string field) =>
        ids.Find(idType, id) ?? throw ApiErrorException.BadRequest(ErrorCodes.ApprovalUserNotFound, $"{field}: no user with {idType} '{id}'");
}
