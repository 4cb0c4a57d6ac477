using Larkway.Hub.Approvals;

namespace Larkway.Hub.WeCom.Approvals;

/// <summary>
/// What WeCom's approvals cannot do, said by the Hub before anything is sent (or instead of a call WeCom does not have):
/// a form value of a control the Hub cannot fill, a withdrawal (WeCom gives apps no API for it), a decision by an app, or
/// WeCom's refusal of an unknown template kept apart as <see cref="ApprovalFailureKind.UnknownDefinition"/>.
/// </summary>
/// <param name="kind">What the approvals room does about it.</param>
/// <param name="code">WeCom's errcode it stands for (301025), or one of the Hub's own codes below zero.</param>
/// <param name="message">What to do, in a sentence.</param>
/// <param name="inner">WeCom's own refusal, when there was one.</param>
internal sealed class WeComApprovalException(ApprovalFailureKind kind, long code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>WeCom's errcode for an approval parameter it refuses (提交审批申请: get approval param error).</summary>
    public const long ParameterError = 301025;

    /// <summary>The Hub's code for a call WeCom's approval API does not offer an app (withdrawing, deciding).</summary>
    public const long NotOffered = -106;

    /// <summary>What the approvals room does about it.</summary>
    public ApprovalFailureKind Kind { get; } = kind;

    /// <summary>The code the failure is recorded under.</summary>
    public long Code { get; } = code;
}
