using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;
using Larkway.WeCom.Messages;
using Larkway.WeCom.Users;

namespace Larkway.WeCom.Approvals;

/// <summary>
/// WeCom's approval app (审批, <c>/cgi-bin/oa/*</c>): read a template, submit an application on a member's behalf, list
/// applications by time and read one. The app must be one of those allowed to call the approval API (审批 → 可调用接口的应用).
/// State changes arrive as the <c>sys_approval_change</c> callback (<see cref="Callbacks.WeComApprovalChangeEvent"/>).
/// </summary>
public class WeComApprovalsClient
{
    internal const string TemplateDetailPath = "/cgi-bin/oa/gettemplatedetail";
    internal const string ApplyEventPath = "/cgi-bin/oa/applyevent";
    internal const string ApprovalInfoPath = "/cgi-bin/oa/getapprovalinfo";
    internal const string ApprovalDetailPath = "/cgi-bin/oa/getapprovaldetail";

    /// <summary>The most application numbers one <c>getapprovalinfo</c> call returns (its <c>size</c>).</summary>
    public const int MaxPageSize = 100;

    private readonly WeComPipeline _pipeline = null!;

    internal WeComApprovalsClient(WeComPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected WeComApprovalsClient()
    {
    }

    /// <summary>A template's names and controls (<c>oa/gettemplatedetail</c>): the control ids an application fills.</summary>
    /// <exception cref="WeComApiException">An unknown template or a refusal.</exception>
    public virtual Task<WeComApprovalTemplate> GetTemplateAsync(string templateId, CancellationToken cancellationToken = default)
    {
        Limits.Required(templateId, "templateId");
        return _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, TemplateDetailPath, TemplateDetailPath)
            {
                Json = JsonSerializer.SerializeToUtf8Bytes(new TemplateDetailRequest(templateId), WeComJsonContext.Default.TemplateDetailRequest),
                Idempotent = true,
            },
            WeComJsonContext.Default.WeComApprovalTemplate,
            cancellationToken);
    }

    /// <summary>
    /// Submits an application on a member's behalf (<c>oa/applyevent</c>) and returns its number (<c>sp_no</c>). Not
    /// retried after a failed connection: it may have been submitted.
    /// </summary>
    /// <exception cref="WeComApiException">
    /// 301025 when WeCom refuses a parameter (a required control left out, a value of the wrong shape, a creator outside the
    /// app's visible range …; its errmsg names it), or <see cref="WeComErrorCodes.InvalidRequest"/> for a request that
    /// breaks a documented rule before it is sent.
    /// </exception>
    public virtual async Task<string> ApplyAsync(WeComApplyEvent application, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        Limits.Required(application.CreatorUserId, "creator_userid");
        Limits.Required(application.TemplateId, "template_id");
        if (application.UseTemplateApprover == 0 && (application.Approver is not { Count: > 0 } nodes || nodes.Any(n => n.UserId.Count == 0)))
        {
            throw Limits.Invalid("approver needs at least one node with a userid when use_template_approver is 0 (or set use_template_approver to 1 to use the template's own flow).");
        }

        if (application.NotifyType is { } notify and not (1 or 2 or 3))
        {
            throw Limits.Invalid($"notify_type is 1, 2 or 3 (or left out), not {notify}.");
        }

        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, ApplyEventPath, ApplyEventPath)
            {
                Json = JsonSerializer.SerializeToUtf8Bytes(application, WeComJsonContext.Default.WeComApplyEvent),
            },
            WeComJsonContext.Default.ApplyEventAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.SpNo is { Length: > 0 } spNo ? spNo : throw new WeComApiException(WeComErrorCodes.MalformedResponse, "oa/applyevent answered without an sp_no.");
    }

    /// <summary>
    /// One page of the numbers of the applications submitted between <paramref name="start"/> and <paramref name="end"/>
    /// (<c>oa/getapprovalinfo</c>), from <paramref name="cursor"/> (null for the first). A self-built app sees only those
    /// of members in its visible range, so a page may hold fewer than <paramref name="size"/>: go on while
    /// <see cref="WeComPage{T}.NextCursor"/> is set.
    /// </summary>
    /// <exception cref="WeComApiException">A size outside 1–100 or an end before the start (not sent), or a refusal.</exception>
    public virtual async Task<WeComPage<string>> ListNumbersPageAsync(DateTimeOffset start, DateTimeOffset end, string? cursor = null, int size = MaxPageSize, IReadOnlyList<WeComApprovalFilter>? filters = null, CancellationToken cancellationToken = default)
    {
        if (size is < 1 or > MaxPageSize)
        {
            throw Limits.Invalid($"getapprovalinfo's size is 1 to {MaxPageSize}, not {size}.");
        }

        if (end < start)
        {
            throw Limits.Invalid("getapprovalinfo's endtime is before its starttime.");
        }

        var request = new ApprovalInfoRequest(
            start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            cursor ?? "",
            size,
            filters is { Count: > 0 } ? filters : null);
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, ApprovalInfoPath, ApprovalInfoPath)
            {
                Json = JsonSerializer.SerializeToUtf8Bytes(request, WeComJsonContext.Default.ApprovalInfoRequest),
                Idempotent = true,
            },
            WeComJsonContext.Default.ApprovalInfoAnswer,
            cancellationToken).ConfigureAwait(false);
        return new WeComPage<string>(answer.SpNoList ?? [], string.IsNullOrEmpty(answer.NewNextCursor) ? null : answer.NewNextCursor);
    }

    /// <summary>Every application number of <see cref="ListNumbersPageAsync"/>, page after page, lazily.</summary>
    public virtual async IAsyncEnumerable<string> ListNumbersAsync(DateTimeOffset start, DateTimeOffset end, IReadOnlyList<WeComApprovalFilter>? filters = null, int size = MaxPageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await ListNumbersPageAsync(start, end, cursor, size, filters, cancellationToken).ConfigureAwait(false);
            foreach (var spNo in page.Items)
            {
                yield return spNo;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    /// <summary>One application (<c>oa/getapprovaldetail</c>): its state, form, approver nodes and decisions.</summary>
    /// <exception cref="WeComApiException">An unknown number, or a refusal.</exception>
    public virtual async Task<WeComApprovalDetail> GetAsync(string spNo, CancellationToken cancellationToken = default)
    {
        Limits.Required(spNo, "sp_no");
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, ApprovalDetailPath, ApprovalDetailPath)
            {
                Json = JsonSerializer.SerializeToUtf8Bytes(new ApprovalDetailRequest(spNo), WeComJsonContext.Default.ApprovalDetailRequest),
                Idempotent = true,
            },
            WeComJsonContext.Default.ApprovalDetailAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.Info ?? throw new WeComApiException(WeComErrorCodes.MalformedResponse, "oa/getapprovaldetail answered without info.");
    }
}
