namespace Larkway.WeCom.Callbacks;

/// <summary>A message a member sent to the app (every <c>MsgType</c> but <c>event</c>).</summary>
public abstract record WeComMessage : WeComCallbackMessage
{
    /// <summary>The message id (<c>MsgId</c>, 64-bit, kept as text).</summary>
    public string? MsgId { get; init; }

    /// <inheritdoc />
    public override string DeduplicationKey => MsgId ?? $"{FromUserName}:{CreateTime.ToUnixTimeSeconds()}:{MsgType}";
}

/// <summary>A text message.</summary>
public sealed record WeComTextMessage : WeComMessage
{
    /// <summary>The text (<c>Content</c>).</summary>
    public string Content { get; init; } = "";
}

/// <summary>An image message.</summary>
public sealed record WeComImageMessage : WeComMessage
{
    /// <summary>The image's URL (<c>PicUrl</c>).</summary>
    public string? PicUrl { get; init; }

    /// <summary>The image as temporary media (<c>MediaId</c>; download it with the media client within 3 days).</summary>
    public string? MediaId { get; init; }
}

/// <summary>A voice message.</summary>
public sealed record WeComVoiceMessage : WeComMessage
{
    /// <summary>The voice as temporary media (<c>MediaId</c>).</summary>
    public string? MediaId { get; init; }

    /// <summary>Its format (<c>Format</c>, e.g. amr, speex).</summary>
    public string? Format { get; init; }
}

/// <summary>A video message.</summary>
public sealed record WeComVideoMessage : WeComMessage
{
    /// <summary>The video as temporary media (<c>MediaId</c>).</summary>
    public string? MediaId { get; init; }

    /// <summary>Its thumbnail as temporary media (<c>ThumbMediaId</c>).</summary>
    public string? ThumbMediaId { get; init; }
}

/// <summary>A location message.</summary>
public sealed record WeComLocationMessage : WeComMessage
{
    /// <summary>Latitude (<c>Location_X</c>).</summary>
    public double? Latitude { get; init; }

    /// <summary>Longitude (<c>Location_Y</c>).</summary>
    public double? Longitude { get; init; }

    /// <summary>The map's zoom (<c>Scale</c>).</summary>
    public long? Scale { get; init; }

    /// <summary>The place's description (<c>Label</c>).</summary>
    public string? Label { get; init; }

    /// <summary><c>AppType</c> (wxwork for the WeCom app), when present.</summary>
    public string? AppType { get; init; }
}

/// <summary>A link message.</summary>
public sealed record WeComLinkMessage : WeComMessage
{
    /// <summary><c>Title</c>.</summary>
    public string? Title { get; init; }

    /// <summary><c>Description</c>.</summary>
    public string? Description { get; init; }

    /// <summary><c>Url</c>.</summary>
    public string? Url { get; init; }

    /// <summary>The cover image (<c>PicUrl</c>).</summary>
    public string? PicUrl { get; init; }
}

/// <summary>A message of a type this library does not model; read <see cref="WeComCallbackMessage.Raw"/>.</summary>
public sealed record WeComUnknownMessage : WeComMessage;

/// <summary>An event (<c>MsgType</c> event).</summary>
public abstract record WeComEvent : WeComCallbackMessage
{
    /// <summary>The event's name (<c>Event</c>), as WeCom writes it (e.g. <c>enter_agent</c>, <c>LOCATION</c>, <c>template_card_event</c>).</summary>
    public string Event { get; init; } = "";

    /// <summary><c>EventKey</c>: the menu key, the card button's key, …; null when the event has none.</summary>
    public string? EventKey { get; init; }

    /// <inheritdoc />
    public override string DeduplicationKey => $"{FromUserName}:{CreateTime.ToUnixTimeSeconds()}:{Event}";
}

/// <summary><c>subscribe</c> / <c>unsubscribe</c>: a member gained or lost the app.</summary>
public sealed record WeComSubscribeEvent : WeComEvent;

/// <summary><c>enter_agent</c>: a member opened the app.</summary>
public sealed record WeComEnterAgentEvent : WeComEvent;

/// <summary><c>LOCATION</c>: a member's location, reported when they open the app.</summary>
public sealed record WeComLocationEvent : WeComEvent
{
    /// <summary><c>Latitude</c>.</summary>
    public double? Latitude { get; init; }

    /// <summary><c>Longitude</c>.</summary>
    public double? Longitude { get; init; }

    /// <summary><c>Precision</c>.</summary>
    public double? Precision { get; init; }
}

/// <summary>A custom menu event (<c>click</c>, <c>view</c>, <c>scancode_*</c>, <c>pic_*</c>, <c>location_select</c>); the menu key or URL is <see cref="WeComEvent.EventKey"/>.</summary>
public sealed record WeComMenuEvent : WeComEvent;

/// <summary><c>template_card_event</c>: a member clicked a template card's button or submitted its choices.</summary>
public sealed record WeComTemplateCardEvent : WeComEvent
{
    /// <summary>The card's <c>task_id</c> (<c>TaskId</c>).</summary>
    public string? TaskId { get; init; }

    /// <summary>The card type (<c>CardType</c>, e.g. button_interaction, vote_interaction).</summary>
    public string? CardType { get; init; }

    /// <summary>The code to update this card for this member (<c>ResponseCode</c>, usable once, within 72 hours).</summary>
    public string? ResponseCode { get; init; }

    /// <summary>The choices submitted (vote_interaction, multiple_interaction); empty for a button.</summary>
    public IReadOnlyList<WeComSelectedItem> SelectedItems { get; init; } = [];
}

/// <summary>A question's chosen options in a card submission.</summary>
/// <param name="QuestionKey">The question (or checkbox) key.</param>
/// <param name="OptionIds">The chosen option ids.</param>
public sealed record WeComSelectedItem(string QuestionKey, IReadOnlyList<string> OptionIds);

/// <summary><c>template_card_menu_event</c>: a member chose an entry of a card's top-right menu.</summary>
public sealed record WeComTemplateCardMenuEvent : WeComEvent
{
    /// <summary><c>TaskId</c>.</summary>
    public string? TaskId { get; init; }

    /// <summary><c>CardType</c>.</summary>
    public string? CardType { get; init; }

    /// <summary><c>ResponseCode</c>.</summary>
    public string? ResponseCode { get; init; }
}

/// <summary>
/// <c>change_contact</c> (通讯录回调通知): a member, department or tag changed (<see cref="ChangeType"/>: create_user,
/// update_user, delete_user, create_party, update_party, delete_party, update_tag). A member's or department's fields are
/// those WeCom sent: an update sends the id and only what changed, and WeCom may leave out fields the app may not read
/// (callback URLs set since 2022-08-15 get only UserID and Department of a member, Id and ParentId of a department), so
/// every field is null when absent.
/// </summary>
public sealed record WeComChangeContactEvent : WeComEvent
{
    /// <summary><c>ChangeType</c>.</summary>
    public string ChangeType { get; init; } = "";

    /// <summary>The member's userid (<c>UserID</c>), for user changes.</summary>
    public string? UserId { get; init; }

    /// <summary>The member's new userid (<c>NewUserID</c>), when it changed.</summary>
    public string? NewUserId { get; init; }

    /// <summary>The department's id (<c>Id</c>), for department changes.</summary>
    public long? DepartmentId { get; init; }

    /// <summary><c>Name</c>: the member's or the department's name.</summary>
    public string? Name { get; init; }

    /// <summary><c>Department</c>: the member's department ids (sent as "1,2,3").</summary>
    public IReadOnlyList<long>? Departments { get; init; }

    /// <summary><c>MainDepartment</c>: the member's main department.</summary>
    public long? MainDepartment { get; init; }

    /// <summary><c>IsLeaderInDept</c>: per <see cref="Departments"/>, 1 where the member leads it (sent as "1,0,0").</summary>
    public IReadOnlyList<int>? IsLeaderInDept { get; init; }

    /// <summary><c>DirectLeader</c>: the member's direct leaders' userids (sent as "lisi,wangwu"); empty for none.</summary>
    public IReadOnlyList<string>? DirectLeader { get; init; }

    /// <summary><c>Position</c>.</summary>
    public string? Position { get; init; }

    /// <summary><c>Mobile</c>.</summary>
    public string? Mobile { get; init; }

    /// <summary><c>Gender</c>: 1 male, 2 female, 0 unset.</summary>
    public int? Gender { get; init; }

    /// <summary><c>Email</c>.</summary>
    public string? Email { get; init; }

    /// <summary><c>BizMail</c>: the corp mailbox.</summary>
    public string? BizMail { get; init; }

    /// <summary><c>Status</c> (激活状态): 1 active, 2 disabled, 4 not activated, 5 left the corp.</summary>
    public int? Status { get; init; }

    /// <summary><c>Avatar</c>: the avatar's URL.</summary>
    public string? Avatar { get; init; }

    /// <summary><c>Alias</c>.</summary>
    public string? Alias { get; init; }

    /// <summary><c>Telephone</c>.</summary>
    public string? Telephone { get; init; }

    /// <summary><c>ParentId</c>: a department's parent.</summary>
    public long? ParentId { get; init; }

    /// <summary><c>Order</c>: a department's order among its siblings (larger first).</summary>
    public long? Order { get; init; }

    /// <summary>
    /// WeCom's key (sender + CreateTime + event) with the change's type, whom it names and a digest of the callback: every
    /// change_contact comes from "sys", so two changes in one second would otherwise be one; a redelivery is the same
    /// callback and keeps its key.
    /// </summary>
    public override string DeduplicationKey =>
        $"{base.DeduplicationKey}:{ChangeType}:{UserId ?? DepartmentId?.ToString(System.Globalization.CultureInfo.InvariantCulture)}:"
        + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Raw)))[..16];
}

/// <summary>
/// <c>kf_msg_or_event</c> (微信客服): a customer-service account has new messages or events. It carries none: pull them with
/// <see cref="CustomerService.WeComCustomerServiceClient.SyncAsync"/>, passing <see cref="Token"/> (valid 10 minutes) and
/// <see cref="OpenKfId"/>. Answer the callback at once (WeCom retries one not answered within 5 seconds) and pull after.
/// </summary>
public sealed record WeComKfMessageOrEvent : WeComEvent
{
    /// <summary>The token for <c>sync_msg</c> (<c>Token</c>).</summary>
    public string Token { get; init; } = "";

    /// <summary>The account with new data (<c>OpenKfId</c>).</summary>
    public string OpenKfId { get; init; } = "";

    /// <summary>The callback has no FromUserName: the account, time and token tell a WeCom retry apart from a new signal.</summary>
    public override string DeduplicationKey => $"{Event}:{OpenKfId}:{CreateTime.ToUnixTimeSeconds()}:{Token}";
}

/// <summary>An event this library does not model; read <see cref="WeComCallbackMessage.Raw"/>.</summary>
public sealed record WeComUnknownEvent : WeComEvent;

/// <summary>
/// <c>sys_approval_change</c> (审批申请状态变化回调通知): an application of the approval app changed (submitted, approved,
/// rejected, forwarded, urged, withdrawn, commented …). <see cref="SpStatus"/> is the application's state after the change;
/// read the whole application with <see cref="Approvals.WeComApprovalsClient.GetAsync"/>.
/// </summary>
public sealed record WeComApprovalChangeEvent : WeComEvent
{
    /// <summary>The application's number (<c>SpNoStr</c>, else <c>SpNo</c>).</summary>
    public string SpNo { get; init; } = "";

    /// <summary>The template's name (<c>SpName</c>).</summary>
    public string? SpName { get; init; }

    /// <summary>The application's state (<c>SpStatus</c>): 1 审批中, 2 已通过, 3 已驳回, 4 已撤销, 6 通过后撤销, 7 已删除, 10 已支付.</summary>
    public int SpStatus { get; init; }

    /// <summary>The application's state as <see cref="Approvals.WeComApprovalStatus"/>.</summary>
    public Approvals.WeComApprovalStatus Status => (Approvals.WeComApprovalStatus)SpStatus;

    /// <summary>The template (<c>TemplateId</c>).</summary>
    public string? TemplateId { get; init; }

    /// <summary>When it was submitted (<c>ApplyTime</c>).</summary>
    public DateTimeOffset ApplyTime { get; init; }

    /// <summary>The applicant (<c>Applyer/UserId</c>).</summary>
    public string? ApplyerUserId { get; init; }

    /// <summary>The applicant's department (<c>Applyer/Party</c>).</summary>
    public string? ApplyerParty { get; init; }

    /// <summary>The approver nodes (<c>SpRecord</c>, one per node).</summary>
    public IReadOnlyList<WeComApprovalChangeNode> SpRecords { get; init; } = [];

    /// <summary>The members copied (<c>Notifyer/UserId</c>).</summary>
    public IReadOnlyList<string> Notifyer { get; init; } = [];

    /// <summary>What changed (<c>StatuChangeEvent</c>, WeCom's spelling): 1 submitted, 2 approved, 3 rejected, …; null when absent.</summary>
    public int? StatusChangeEvent { get; init; }

    /// <inheritdoc />
    public override string DeduplicationKey => $"{Event}:{SpNo}:{CreateTime.ToUnixTimeSeconds()}:{StatusChangeEvent}:{SpStatus}";
}

/// <summary>An approver node of a <see cref="WeComApprovalChangeEvent"/>.</summary>
/// <param name="SpStatus">The node's state (1 审批中, 2 已同意, 3 已驳回, 4 已转审, …).</param>
/// <param name="ApproverAttr">1 或签, 2 会签.</param>
/// <param name="Details">Each approver's decision.</param>
public sealed record WeComApprovalChangeNode(int SpStatus, int ApproverAttr, IReadOnlyList<WeComApprovalChangeDecision> Details);

/// <summary>One approver's decision in a node.</summary>
/// <param name="ApproverUserId">The approver (<c>Approver/UserId</c>).</param>
/// <param name="Speech">Their comment.</param>
/// <param name="SpStatus">1 undecided, 2 approved, 3 rejected, …</param>
/// <param name="SpTime">When they decided, Unix seconds; 0 while undecided.</param>
public sealed record WeComApprovalChangeDecision(string ApproverUserId, string? Speech, int SpStatus, long SpTime);
