using System.Text.Json.Serialization;

namespace Larkway.Hub.Approvals;

/// <summary>
/// An instance as its platform reported it at one moment, in the room's words — what the Hub applies. Events are only
/// hints that one should be read: the snapshot, not the event, says what happened.
/// </summary>
/// <param name="Status">The instance's status: PENDING, APPROVED, REJECTED, CANCELED, DELETED (each platform's piece maps its own to these).</param>
/// <param name="Reverted">True when an approved instance was reverted.</param>
/// <param name="Tasks">The tasks, in the platform's order.</param>
public sealed record ApprovalSnapshot(string Status, bool Reverted, IReadOnlyList<ApprovalTaskSnapshot> Tasks);

/// <summary>One task of an instance: who must act at which node, and whether they have.</summary>
/// <param name="Id">The platform's task id.</param>
/// <param name="UserId">The approver's id on the platform (Feishu's open_id, DingTalk's and WeCom's userid); stored as <c>open_id</c>, its first name.</param>
/// <param name="Status">PENDING, APPROVED, REJECTED, TRANSFERRED or DONE.</param>
/// <param name="NodeId">The node.</param>
/// <param name="NodeName">The node's name.</param>
/// <param name="Comment">What the approver wrote when acting, when the platform says.</param>
/// <param name="EndTime">When the approver acted.</param>
public sealed record ApprovalTaskSnapshot(
    string Id,
    [property: JsonPropertyName("open_id")] string? UserId,
    string Status,
    string? NodeId,
    string? NodeName,
    string? Comment = null,
    DateTimeOffset? EndTime = null);

/// <summary>Source-generated JSON for the stored task list.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApprovalTaskSnapshot[]))]
internal sealed partial class ApprovalStorageJsonContext : JsonSerializerContext;
