using System.Text.Json;
using Larkway.Hub.Approvals;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Http;
using Larkway.WeCom;
using Larkway.WeCom.Approvals;

namespace Larkway.Hub.WeCom.Approvals;

/// <summary>
/// WeCom's approval app (审批) for the approvals room, over the app's client (<see cref="HubWeComClients"/>): a template
/// (<c>oa/gettemplatedetail</c>) read as fields in the one value vocabulary (<see cref="WeComApprovalForm"/>), an
/// application submitted for its applicant (<c>oa/applyevent</c>), a lost submission found again by listing the
/// applicant's applications of the template (<c>oa/getapprovalinfo</c>) and matching their form, an application read
/// (<c>oa/getapprovaldetail</c>, <see cref="WeComApprovalStatuses"/>), and the <c>sys_approval_change</c> callback as the
/// inbox stores it. People are WeCom userids. WeCom gives apps no API to decide a task or withdraw an application: the
/// approver decides in WeCom's approval app, and the applicant withdraws there.
/// </summary>
internal sealed class WeComApprovalPlatform(HubWeComClients clients, HubAppRegistry apps, TimeProvider time) : IApprovalPlatform
{
    /// <summary>The inbox type WeCom's <c>sys_approval_change</c> callback is stored under (<see cref="WeComIngest.TypeOf"/>).</summary>
    public const string ChangeEventType = WeComIngest.EventTypePrefix + "sys_approval_change";

    /// <summary>The longest span <c>oa/getapprovalinfo</c> lists at once (starttime to endtime: 31 days at most).</summary>
    internal static readonly TimeSpan MaxListSpan = TimeSpan.FromDays(31);

    /// <summary>How much earlier than the first attempt an application may be stamped (WeCom's clock and ours differ a little).</summary>
    internal static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(2);

    public string RecipientType => "wecom_userid";

    public IReadOnlyList<string> PersonIdTypes { get; } = ["user_id"];

    public bool DecidesFromCards => false;

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>([ChangeEventType], StringComparer.Ordinal);

    public async Task<ApprovalDefinitionShape> ReadDefinitionAsync(string app, string definition, CancellationToken cancellationToken) =>
        WeComApprovalForm.Definition(definition, await TemplateAsync(await clients.GetAsync(app, cancellationToken).ConfigureAwait(false), definition, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// By the member's corp mailbox, then a personal email (<c>user/get_userid_by_email</c>). A refusal that will not
    /// pass (the app may not look people up) answers null, so the directory is asked.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> FindByEmailAsync(string app, IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var email in emails.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            try
            {
                found[email] = await client.Users.GetUserIdByEmailAsync(email, corpEmail: true, cancellationToken).ConfigureAwait(false)
                    ?? await client.Users.GetUserIdByEmailAsync(email, corpEmail: false, cancellationToken).ConfigureAwait(false);
            }
            catch (WeComApiException ex) when (!ex.IsTransient)
            {
                found[email] = null;
            }
        }

        return found;
    }

    public async Task<string> CreateAsync(string app, ApprovalCreate create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
        return await client.Approvals.ApplyAsync(await ApplicationAsync(client, create, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The applicant's applications of the template since the first attempt (less <see cref="ClockSlack"/>, and no more
    /// than <see cref="MaxListSpan"/> back, the most WeCom lists), oldest first: the first whose applicant is the
    /// applicant and whose form holds what <see cref="CreateAsync"/> sends, and that no other approval holds
    /// (<see cref="ApprovalCreate.Taken"/>, not even read).
    /// </summary>
    public async Task<string?> FindCreatedAsync(string app, ApprovalCreate create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
        var sent = (await ApplicationAsync(client, create, cancellationToken).ConfigureAwait(false)).ApplyData.Contents;
        var end = time.GetUtcNow() + ClockSlack;
        var start = create.FirstAttemptAt - ClockSlack;
        if (end - start > MaxListSpan)
        {
            start = end - MaxListSpan;
        }

        WeComApprovalFilter[] filters = [WeComApprovalFilter.Creator(create.Applicant), WeComApprovalFilter.Template(create.Definition)];
        await foreach (var spNo in client.Approvals.ListNumbersAsync(start, end, filters, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (create.Taken.Contains(spNo))
            {
                continue;
            }

            var detail = await client.Approvals.GetAsync(spNo, cancellationToken).ConfigureAwait(false);
            if (string.Equals(detail.Applyer?.UserId, create.Applicant, StringComparison.OrdinalIgnoreCase)
                && (detail.TemplateId is null || detail.TemplateId == create.Definition)
                && WeComApprovalForm.Holds(detail.ApplyData?.Contents ?? [], sent))
            {
                return detail.SpNo.Length > 0 ? detail.SpNo : spNo;
            }
        }

        return null;
    }

    public async Task<ApprovalSnapshot> ReadAsync(string app, string instance, CancellationToken cancellationToken)
    {
        var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
        return WeComApprovalStatuses.Snapshot(await client.Approvals.GetAsync(instance, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Never called (<see cref="DecidesFromCards"/> is false): WeCom has no API for an app to decide for an approver.</summary>
    public Task DecideAsync(string app, ApprovalDecision decision, CancellationToken cancellationToken) =>
        Task.FromException(new WeComApprovalException(ApprovalFailureKind.Other, WeComApprovalException.NotOffered,
            "WeCom offers apps no way to decide an approval for its approver: the approver decides in WeCom's approval app (审批)."));

    /// <summary>WeCom's approval API has no withdrawal: the failure says to withdraw the application in WeCom.</summary>
    public Task CancelAsync(string app, ApprovalCancel cancel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        return Task.FromException(new WeComApprovalException(ApprovalFailureKind.NotCancellable, WeComApprovalException.NotOffered,
            $"WeCom offers apps no way to withdraw an application: the applicant withdraws {cancel.Instance} in WeCom's approval app (审批 → 我提交的 → 撤销)."));
    }

    public ApprovalCallFailure? Failure(Exception exception) => exception switch
    {
        WeComApprovalException own when own.InnerException is WeComApiException api => new(Failure(api) with { Message = own.Message }, false, own.Kind),
        WeComApprovalException own => new(PlatformFailure.Numbered(HubAppPlatform.WeCom, own.Code, own.Message), false, own.Kind),
        WeComApiException api => new(Failure(api), api.IsTransient),
        HubAppNotFoundException app => new(PlatformFailure.Numbered(HubAppPlatform.WeCom, -101, app.Message), true),
        HttpRequestException or TimeoutException => new(PlatformFailure.Numbered(HubAppPlatform.WeCom, -1, "WeCom did not answer: " + exception.Message), true),
        TaskCanceledException => new(PlatformFailure.Numbered(HubAppPlatform.WeCom, -1, "WeCom did not answer in time."), true),
        _ => null,
    };

    /// <summary>The application's number: <c>ApprovalInfo.SpNoStr</c>, else <c>ApprovalInfo.SpNo</c>, of the stored callback.</summary>
    public string? InstanceOf(string eventType, JsonElement data)
    {
        if (!EventTypes.Contains(eventType) || data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var info = data.TryGetProperty("ApprovalInfo", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : data;
        return WeComCallbackJson.Str(info, "SpNoStr") is { Length: > 0 } text ? text
            : WeComCallbackJson.Str(info, "SpNo") is { Length: > 0 } number ? number
            : null;
    }

    /// <summary>
    /// WeCom documents no link to an application's page, so an app on WeCom itself gets none (the approver finds it in the
    /// approval app). An app on another base URL — the Emulator — links to its approval page, <c>/wecom-approval/{sp_no}</c>.
    /// </summary>
    public string? PageUrl(string app, string instance)
    {
        if (apps.Find(app) is not { } stored || !stored.IsWeCom() || stored.BaseUrl == WeComBaseUrls.Api)
        {
            return null;
        }

        return new Uri(stored.BaseUrl, "/wecom-approval/" + Uri.EscapeDataString(instance)).AbsoluteUri;
    }

    /// <summary>WeCom's refusal as the one failure shape, its errcode as a number.</summary>
    private static PlatformFailure Failure(WeComApiException exception) => WeComFailures.From(exception);

    /// <summary>
    /// The template, read; WeCom's refusal of its id (301025 get approval param error, or 40035 invalid parameter: the only
    /// parameter is the id) is an unknown definition.
    /// </summary>
    private static async Task<WeComApprovalTemplate> TemplateAsync(WeComClient client, string templateId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Approvals.GetTemplateAsync(templateId, cancellationToken).ConfigureAwait(false);
        }
        catch (WeComApiException ex) when (ex.Code is WeComErrorCodes.ApprovalParameterError or WeComErrorCodes.InvalidParameter)
        {
            throw new WeComApprovalException(ApprovalFailureKind.UnknownDefinition, WeComApprovalException.ParameterError,
                $"WeCom knows no approval template '{templateId}' (or the app may not use it): {ex.ErrorMessage}", ex);
        }
    }

    /// <summary>
    /// The application as <c>oa/applyevent</c> takes it. The template's own flow (use_template_approver 1) unless the
    /// request picked approvers: then those are the whole flow (use_template_approver 0), one node per key in the order
    /// given, each decided by any one of its approvers (或签). The summary WeCom requires is made by
    /// <see cref="WeComApprovalForm.Summary"/>.
    /// </summary>
    private static async Task<WeComApplyEvent> ApplicationAsync(WeComClient client, ApprovalCreate create, CancellationToken cancellationToken)
    {
        var template = await TemplateAsync(client, create.Definition, cancellationToken).ConfigureAwait(false);
        var definition = WeComApprovalForm.Definition(create.Definition, template);
        var values = definition.Values(create.Form);
        var nodes = create.Approvers is { Count: > 0 } picked
            ? picked.Select(n => new WeComApproverNode(1, [.. n.Value.Select(p => p.UserId ?? p.Value).Distinct(StringComparer.Ordinal)])).Where(n => n.UserId.Count > 0).ToList()
            : [];
        return new WeComApplyEvent
        {
            CreatorUserId = create.Applicant,
            TemplateId = create.Definition,
            UseTemplateApprover = nodes.Count > 0 ? 0 : 1,
            Approver = nodes.Count > 0 ? nodes : null,
            ChooseDepartment = long.TryParse(create.DepartmentId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var department) ? department : null,
            ApplyData = new WeComApplyData(WeComApprovalForm.Contents(template.Controls, values)),
            SummaryList = WeComApprovalForm.Summary(create.Title, definition.Name ?? create.Definition, values),
        };
    }
}
