using Larkway.Feishu.Http;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

/// <summary>Approval instances (<c>/open-apis/approval/v4/instances</c>).</summary>
public partial class ApprovalInstancesClient
{
    private const string Instances = "/open-apis/approval/v4/instances";
    private const string One = Instances + "/{instance_id}";

    /// <summary>The largest page <see cref="ListCodesAsync"/> asks for.</summary>
    public const int MaxListPageSize = 100;

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ApprovalInstancesClient()
    {
    }

    internal ApprovalInstancesClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// Starts an approval (<c>POST …/instances</c>) and returns its instance code. With
    /// <see cref="ApprovalInstanceCreate.Definition"/>, the form is validated first (nothing is sent when it has problems)
    /// and sent with the widgets' exact ids and types. With <see cref="ApprovalInstanceCreate.Uuid"/>, the create happens
    /// once: a repeat (Feishu's duplicate-uuid answer, 60012) looks the instance up by its uuid and returns its code, so
    /// a caller that retries after a lost answer gets the same instance.
    /// </summary>
    /// <exception cref="ApprovalFormException">The form does not fit the definition (every problem listed; nothing sent).</exception>
    /// <exception cref="ArgumentException">No approval code, no submitter, or a uuid longer than 64 characters (nothing sent).</exception>
    /// <exception cref="FeishuApiException">The platform refused (e.g. <see cref="FeishuErrorCodes.ApprovalInvalidParameter"/> naming a widget).</exception>
    public virtual async Task<string> CreateAsync(ApprovalInstanceCreate request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = ToWire(request);
        try
        {
            var data = await _pipeline.SendAsync(
                new FeishuRequest(HttpMethod.Post, Instances, Instances)
                {
                    Content = JsonBody.Create(body, ApprovalJsonContext.Wire.CreateInstanceBody),
                    Idempotent = body.Uuid is not null, // A resend with the uuid cannot make a second instance.
                },
                ApprovalJsonContext.Wire.CreateInstanceEnvelope, cancellationToken).ConfigureAwait(false);
            return data.InstanceCode is { Length: > 0 } code ? code
                : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, "The instance create response has no instance_code.");
        }
        catch (FeishuApiException ex) when (ex.Code == FeishuErrorCodes.ApprovalDuplicateUuid && body.Uuid is { } uuid)
        {
            // An earlier create with this uuid went through: return that instance.
            var existing = await GetAsync(uuid, UserIdType.OpenId, cancellationToken).ConfigureAwait(false);
            return existing.InstanceCode;
        }
    }

    /// <summary>
    /// One instance with its tasks, comments and timeline (<c>GET …/instances/{id}</c>); <paramref name="instanceCodeOrUuid"/>
    /// may be the uuid it was created with. Read-only, so retried on rate limits and server errors.
    /// </summary>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.ApprovalInstanceNotFound"/>.</exception>
    public virtual async Task<ApprovalInstance> GetAsync(string instanceCodeOrUuid, UserIdType userIdType = UserIdType.OpenId, CancellationToken cancellationToken = default)
    {
        instanceCodeOrUuid = ApprovalChecks.Required(instanceCodeOrUuid, nameof(instanceCodeOrUuid), "an instance code or the uuid it was created with");
        var path = new Query(Instances + "/" + Query.Segment(instanceCodeOrUuid)).Add("user_id_type", Checks.Wire(userIdType));
        var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), One), ApprovalJsonContext.Wire.InstanceEnvelope, cancellationToken).ConfigureAwait(false);
        return data.ToModel(instanceCodeOrUuid);
    }

    /// <summary>
    /// The codes of a definition's instances started between <paramref name="from"/> and <paramref name="to"/>
    /// (<c>GET …/instances</c>), lazily page by page. For reconciliation: fetch each with <see cref="GetAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No approval code, <paramref name="to"/> before <paramref name="from"/>, or a page size outside 1–100 (nothing sent).</exception>
    public virtual FeishuPageable<string> ListCodesAsync(
        string approvalCode, DateTimeOffset from, DateTimeOffset to, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        approvalCode = ApprovalChecks.Required(approvalCode, nameof(approvalCode), "the definition's approval code");
        ApprovalChecks.Window(from, to, nameof(to));
        Checks.PageSize(pageSize, MaxListPageSize);
        return new FetchPageable<string>(async (token, size, ct) =>
        {
            Checks.PageSize(size, MaxListPageSize);
            var path = new Query(Instances)
                .Add("approval_code", approvalCode)
                .Add("start_time", ApprovalTime.Format(from))
                .Add("end_time", ApprovalTime.Format(to))
                .Add("page_size", size)
                .Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Instances), ApprovalJsonContext.Wire.InstanceCodePageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage();
        }, pageSize, cancellationToken);
    }

    /// <summary>Withdraws a pending instance as its submitter <paramref name="userId"/> (<c>POST …/instances/cancel</c>).</summary>
    /// <exception cref="FeishuApiException">E.g. the definition does not allow withdrawal, or the instance is finished.</exception>
    public virtual Task CancelAsync(string approvalCode, string instanceCode, string userId, UserIdType userIdType = UserIdType.OpenId, CancellationToken cancellationToken = default)
    {
        var body = new InstanceActionBody(
            ApprovalChecks.Required(approvalCode, nameof(approvalCode), "the definition's approval code"),
            ApprovalChecks.Required(instanceCode, nameof(instanceCode), "the instance code"),
            ApprovalChecks.Required(userId, nameof(userId), "the submitter's id"));
        var path = new Query(Instances + "/cancel").Add("user_id_type", Checks.Wire(userIdType));
        return _pipeline.SendAsync(
            new FeishuRequest(HttpMethod.Post, path.ToString(), Instances + "/cancel") { Content = JsonBody.Create(body, ApprovalJsonContext.Wire.InstanceActionBody) },
            cancellationToken);
    }

    private static CreateInstanceBody ToWire(ApprovalInstanceCreate request)
    {
        var approvalCode = ApprovalChecks.Required(request.ApprovalCode, nameof(request.ApprovalCode), "the definition's approval code");
        if (string.IsNullOrWhiteSpace(request.UserId) && string.IsNullOrWhiteSpace(request.OpenId))
        {
            throw new ArgumentException("Give the submitter: OpenId or UserId.", nameof(request));
        }

        if (request.Uuid is { } uuid && (uuid.Length is 0 or > 64))
        {
            throw new ArgumentException($"Uuid has {uuid.Length} characters; give 1–64 (or none).", nameof(request));
        }

        ArgumentNullException.ThrowIfNull(request.Form, nameof(request.Form));
        var form = request.Form.ToCheckedWireJson(request.Definition);

        return new CreateInstanceBody
        {
            ApprovalCode = approvalCode,
            UserId = ApprovalTime.Empty(request.UserId),
            OpenId = ApprovalTime.Empty(request.OpenId),
            DepartmentId = ApprovalTime.Empty(request.DepartmentId),
            Form = form,
            NodeApproverUserIdList = NodeListWire.From(request.NodeApproverUserIds),
            NodeApproverOpenIdList = NodeListWire.From(request.NodeApprovers),
            NodeCcUserIdList = NodeListWire.From(request.NodeCcUserIds),
            NodeCcOpenIdList = NodeListWire.From(request.NodeCcOpenIds),
            Uuid = request.Uuid,
            AllowResubmit = request.AllowResubmit,
            AllowSubmitAgain = request.AllowSubmitAgain,
            CancelBotNotification = request.CancelBotNotification,
            ForbidRevoke = request.ForbidRevoke,
            I18nResources = I18nResourceWire.From(request.I18nResources),
            Title = request.Title,
            TitleDisplayMethod = request.TitleDisplayMethod,
        };
    }
}
