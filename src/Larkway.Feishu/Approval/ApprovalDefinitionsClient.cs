using Larkway.Feishu.Http;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

/// <summary>Approval definitions (<c>/open-apis/approval/v4/approvals</c>).</summary>
public class ApprovalDefinitionsClient
{
    private const string Approvals = "/open-apis/approval/v4/approvals";
    private const string One = Approvals + "/{approval_code}";

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ApprovalDefinitionsClient()
    {
    }

    internal ApprovalDefinitionsClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// Creates a definition, or overwrites the one <see cref="ApprovalDefinitionCreate.ApprovalCode"/> names
    /// (<c>POST …/approvals</c>). Not retried: a second create would make a second definition.
    /// </summary>
    /// <exception cref="ArgumentException">A required part is missing, or the process does not run START → … → END (nothing sent).</exception>
    /// <exception cref="FeishuApiException">The platform refused (e.g. <see cref="FeishuErrorCodes.ApprovalInvalidParameter"/>).</exception>
    public virtual async Task<ApprovalDefinitionCreated> CreateAsync(ApprovalDefinitionCreate request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = ToWire(request);
        var path = new Query(Approvals).Add("user_id_type", Checks.Wire(request.UserIdType));
        var data = await _pipeline.SendAsync(
            new FeishuRequest(HttpMethod.Post, path.ToString(), Approvals) { Content = JsonBody.Create(body, ApprovalJsonContext.Wire.CreateDefinitionBody), Idempotent = request.ApprovalCode is not null },
            ApprovalJsonContext.Wire.CreateDefinitionEnvelope, cancellationToken).ConfigureAwait(false);
        return new ApprovalDefinitionCreated(
            data.ApprovalCode is { Length: > 0 } code ? code : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, "The definition create response has no approval_code."),
            ApprovalTime.Empty(data.ApprovalId));
    }

    /// <summary>
    /// A definition with its form parsed into widgets (<c>GET …/approvals/{code}</c>): what <see cref="ApprovalForm.Validate"/>
    /// and <see cref="ApprovalForm.FromJson"/> check against. Read-only, so retried on rate limits and server errors.
    /// </summary>
    /// <param name="approvalCode">The definition's code.</param>
    /// <param name="locale">zh-CN, en-US or ja-JP for the names (default: the definition's default locale).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.ApprovalCodeNotFound"/>, <see cref="FeishuErrorCodes.ApprovalDefinitionDeleted"/>.</exception>
    public virtual async Task<ApprovalDefinition> GetAsync(string approvalCode, string? locale = null, CancellationToken cancellationToken = default)
    {
        approvalCode = ApprovalChecks.Required(approvalCode, nameof(approvalCode), "the definition's approval code");
        var path = new Query(Approvals + "/" + Query.Segment(approvalCode)).Add("locale", locale);
        var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), One), ApprovalJsonContext.Wire.DefinitionEnvelope, cancellationToken).ConfigureAwait(false);
        return data.ToModel(approvalCode);
    }

    /// <summary>
    /// Subscribes the app to the definition's instance and task events (<c>POST …/subscribe</c>). Already subscribed
    /// (<see cref="FeishuErrorCodes.ApprovalAlreadySubscribed"/>) counts as success, so this is safe to repeat.
    /// </summary>
    public virtual async Task SubscribeAsync(string approvalCode, CancellationToken cancellationToken = default)
    {
        approvalCode = ApprovalChecks.Required(approvalCode, nameof(approvalCode), "the definition's approval code");
        try
        {
            await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Post, $"{Approvals}/{Query.Segment(approvalCode)}/subscribe", One + "/subscribe") { Idempotent = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (ex.Code == FeishuErrorCodes.ApprovalAlreadySubscribed)
        {
            // The goal (being subscribed) holds.
        }
    }

    /// <summary>Stops the app's subscription to the definition's events (<c>POST …/unsubscribe</c>).</summary>
    public virtual Task UnsubscribeAsync(string approvalCode, CancellationToken cancellationToken = default)
    {
        approvalCode = ApprovalChecks.Required(approvalCode, nameof(approvalCode), "the definition's approval code");
        return _pipeline.SendAsync(new FeishuRequest(HttpMethod.Post, $"{Approvals}/{Query.Segment(approvalCode)}/unsubscribe", One + "/unsubscribe") { Idempotent = true }, cancellationToken);
    }

    private static CreateDefinitionBody ToWire(ApprovalDefinitionCreate request)
    {
        ApprovalChecks.Required(request.ApprovalName, "ApprovalName", "an i18n key such as @i18n@approval_name");
        if (request.Nodes is not { Count: >= 2 } nodes || nodes[0].Id != "START" || nodes[^1].Id != "END")
        {
            throw new ArgumentException("Nodes must start with ApprovalNodeCreate.Start and end with ApprovalNodeCreate.End.", nameof(request));
        }

        if (request.I18nResources is not { Count: > 0 })
        {
            throw new ArgumentException("I18nResources is empty; give the texts of every i18n key used, for at least one locale.", nameof(request));
        }

        return new CreateDefinitionBody
        {
            ApprovalName = request.ApprovalName,
            ApprovalCode = request.ApprovalCode,
            Description = request.Description,
            Viewers = [.. (request.Viewers ?? []).Select(v => new ViewerCreateWire(v.ViewerType, v.ViewerUserId, v.ViewerDepartmentId))],
            Form = new FormContentWire(request.FormContent ?? ApprovalDefinitionForm.Write(request.Form)),
            NodeList = [.. nodes.Select(n => new NodeCreateWire
            {
                Id = n.Id,
                Name = n.Name,
                NodeType = n.NodeType,
                Approver = n.Approvers?.Select(a => new NodeUserWire(a.Type, a.UserId, a.Level)).ToList(),
                Ccer = n.Ccers?.Select(a => new NodeUserWire(a.Type, a.UserId, a.Level)).ToList(),
                ApproverChosenMulti = n.ApproverChosenMulti,
                StarterAssignee = n.StarterAssignee,
            })],
            Settings = request.Settings is { } s ? new SettingsWire(s.RevertIntervalSeconds, s.RevertOption, s.RejectOption, s.QuickApprovalOption) : null,
            Config = new ConfigWire(request.Config.CanUpdateViewer, request.Config.CanUpdateForm, request.Config.CanUpdateProcess, request.Config.CanUpdateRevert, request.Config.HelpUrl),
            Icon = request.Icon,
            I18nResources = I18nResourceWire.From(request.I18nResources)!,
            ProcessManagerIds = request.ProcessManagerIds?.ToList(),
        };
    }
}
