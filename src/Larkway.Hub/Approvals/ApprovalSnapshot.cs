using System.Text.Json.Serialization;

namespace Larkway.Hub.Approvals;

/// <summary>
/// An instance as Feishu reported it at one moment — what the Hub applies. Events are only hints that one should be
/// read: the snapshot, not the event, says what happened.
/// </summary>
/// <param name="Status">Feishu's instance status: PENDING, APPROVED, REJECTED, CANCELED, DELETED.</param>
/// <param name="Reverted">True when an approved instance was reverted.</param>
/// <param name="Tasks">The tasks, in Feishu's order.</param>
public sealed record ApprovalSnapshot(string Status, bool Reverted, IReadOnlyList<ApprovalTaskSnapshot> Tasks);

/// <summary>One task of an instance: who must act at which node, and whether they have.</summary>
/// <param name="Id">Feishu's task id.</param>
/// <param name="OpenId">The approver.</param>
/// <param name="Status">PENDING, APPROVED, REJECTED, TRANSFERRED or DONE.</param>
/// <param name="NodeId">The node.</param>
/// <param name="NodeName">The node's name.</param>
/// <param name="Comment">What the approver wrote when acting, when Feishu's timeline has it.</param>
/// <param name="EndTime">When the approver acted.</param>
public sealed record ApprovalTaskSnapshot(
    string Id,
    string? OpenId,
    string Status,
    string? NodeId,
    string? NodeName,
    string? Comment = null,
    DateTimeOffset? EndTime = null);

/// <summary>Source-generated JSON for the stored task list.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApprovalTaskSnapshot[]))]
internal sealed partial class ApprovalStorageJsonContext : JsonSerializerContext;
