using System.Text.Json.Serialization;

namespace Larkway.WeCom.CustomerService;

/// <summary>A customer-service account (客服账号) as <c>kf/account/list</c> shows it.</summary>
public sealed record WeComKfAccount
{
    /// <summary>The account's id (<c>open_kfid</c>, e.g. <c>wkAJ2GCAAA…</c>).</summary>
    [JsonPropertyName("open_kfid")] public string OpenKfId { get; init; } = "";

    /// <summary>Its display name (at most 16 characters).</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>Its avatar's URL.</summary>
    [JsonPropertyName("avatar")] public string? Avatar { get; init; }

    /// <summary>
    /// Whether the calling app manages it (<c>manage_privilege</c>): edits it, takes its sessions, sends and receives. Only
    /// accounts the administrator handed to the app (通过API管理微信客服账号), or that the app created, are managed.
    /// </summary>
    [JsonPropertyName("manage_privilege")] public bool ManagePrivilege { get; init; }
}

/// <summary>A receptionist (接待人员) of an account: a member with their status, or a whole department.</summary>
public sealed record WeComKfServicer
{
    /// <summary>The member (<c>userid</c>); null for a department.</summary>
    [JsonPropertyName("userid")] public string? UserId { get; init; }

    /// <summary>The department (<c>department_id</c>); null for a member.</summary>
    [JsonPropertyName("department_id")] public long? DepartmentId { get; init; }

    /// <summary>
    /// 0 receiving (接待中), 1 stopped (<c>status</c> of <c>servicer/list</c>; the <c>servicer_status_change</c> event counts
    /// 1 receiving and 2 stopped instead). Null when the app does not manage the account.
    /// </summary>
    [JsonPropertyName("status")] public int? Status { get; init; }

    /// <summary>When stopped: 0 stopped, 1 suspended for now (暂时挂起).</summary>
    [JsonPropertyName("stop_type")] public int? StopType { get; init; }

    /// <summary>True when the member is receiving.</summary>
    [JsonIgnore] public bool Receiving => UserId is not null && Status == 0;
}

/// <summary>One entry of <c>servicer/add</c> or <c>servicer/del</c>'s <c>result_list</c>: each member or department answers apart.</summary>
public sealed record WeComKfServicerResult
{
    /// <summary>The member, when the entry is one.</summary>
    [JsonPropertyName("userid")] public string? UserId { get; init; }

    /// <summary>The department, when the entry is one.</summary>
    [JsonPropertyName("department_id")] public long? DepartmentId { get; init; }

    /// <summary>0 when this one was added (or removed); else WeCom's code for it (60030 outside the app's visible range, …).</summary>
    [JsonPropertyName("errcode")] public int ErrCode { get; init; }

    /// <summary>WeCom's words (<c>success</c>, <c>ignored</c> when there was nothing to do, or the refusal).</summary>
    [JsonPropertyName("errmsg")] public string? ErrMsg { get; init; }
}

/// <summary>A session's state (<c>service_state</c>) between a customer and an account.</summary>
public enum WeComKfServiceState
{
    /// <summary>0 未处理: new; the app may answer, queue it or hand it to a receptionist.</summary>
    Untreated = 0,

    /// <summary>1 由智能助手接待: the app (a bot) answers.</summary>
    Assistant = 1,

    /// <summary>2 待接入池排队中: waiting for a receptionist.</summary>
    Queued = 2,

    /// <summary>3 由人工接待: a receptionist holds it; the app may not send.</summary>
    Receptionist = 3,

    /// <summary>4 已结束/未开始: ended, or never started; the customer's next message opens it again (0).</summary>
    Ended = 4,
}

/// <summary>A session's state and, when a receptionist holds it, who (<c>kf/service_state/get</c>).</summary>
/// <param name="State">The state.</param>
/// <param name="ServicerUserId">The receptionist, when <paramref name="State"/> is <see cref="WeComKfServiceState.Receptionist"/>.</param>
public sealed record WeComKfSession(WeComKfServiceState State, string? ServicerUserId);

/// <summary>
/// A customer (an external WeChat user) as <c>kf/customer/batchget</c> shows them. Only customers who entered a session
/// or wrote to an account within the last 48 hours can be read.
/// </summary>
public sealed record WeComKfCustomer
{
    /// <summary>The customer's id (<c>external_userid</c>, <c>wm…</c>).</summary>
    [JsonPropertyName("external_userid")] public string ExternalUserId { get; init; } = "";

    /// <summary>Their WeChat nickname.</summary>
    [JsonPropertyName("nickname")] public string? Nickname { get; init; }

    /// <summary>Their avatar's URL (not given to third-party apps).</summary>
    [JsonPropertyName("avatar")] public string? Avatar { get; init; }

    /// <summary>Their gender as WeChat keeps it (0 unknown; third-party apps always get 0).</summary>
    [JsonPropertyName("gender")] public int Gender { get; init; }

    /// <summary>Their unionid, only when an official account or mini program of the same entity is bound.</summary>
    [JsonPropertyName("unionid")] public string? UnionId { get; init; }

    /// <summary>How they last entered a session within 48 hours, when asked for (<c>need_enter_session_context</c>).</summary>
    [JsonPropertyName("enter_session_context")] public WeComKfEnterContext? EnterSessionContext { get; init; }
}

/// <summary>How a customer entered a session: the link's scene and the parameter it carried, or the WeChat Channels place.</summary>
public sealed record WeComKfEnterContext
{
    /// <summary>The scene of the contact link (<c>add_contact_way</c>'s <c>scene</c>).</summary>
    [JsonPropertyName("scene")] public string? Scene { get; init; }

    /// <summary>The <c>scene_param</c> appended to the link, as it was.</summary>
    [JsonPropertyName("scene_param")] public string? SceneParam { get; init; }

    /// <summary>The WeChat Channels place they came from, if any.</summary>
    [JsonPropertyName("wechat_channels")] public WeComKfWeChatChannels? WeChatChannels { get; init; }
}

/// <summary>
/// A WeChat Channels (视频号) place: scene 1 the channel's page, 2 a live room's products, 3 a product showcase (with
/// <see cref="Nickname"/>), 4 a shop's product page, 5 a shop's order page (with <see cref="ShopNickname"/>).
/// </summary>
public sealed record WeComKfWeChatChannels
{
    /// <summary>The channel's nickname.</summary>
    [JsonPropertyName("nickname")] public string? Nickname { get; init; }

    /// <summary>The shop's nickname.</summary>
    [JsonPropertyName("shop_nickname")] public string? ShopNickname { get; init; }

    /// <summary>Where in Channels (1–5).</summary>
    [JsonPropertyName("scene")] public int Scene { get; init; }
}

/// <summary>What <c>customer/batchget</c> read: the customers, and the ids it could not (none of them an error).</summary>
/// <param name="Customers">The customers it knows.</param>
/// <param name="Invalid">Ids of customers who did not enter a session or write within 48 hours, or are not the corp's.</param>
public sealed record WeComKfCustomers(IReadOnlyList<WeComKfCustomer> Customers, IReadOnlyList<string> Invalid);

internal sealed record KfAccountAddRequest(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("media_id")] string MediaId);

internal sealed record KfAccountAddAnswer([property: JsonPropertyName("open_kfid")] string? OpenKfId);

internal sealed record KfAccountRef([property: JsonPropertyName("open_kfid")] string OpenKfId);

internal sealed record KfAccountUpdateRequest(
    [property: JsonPropertyName("open_kfid")] string OpenKfId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("media_id")] string? MediaId);

internal sealed record KfAccountListRequest(
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("limit")] int Limit);

internal sealed record KfAccountListAnswer([property: JsonPropertyName("account_list")] IReadOnlyList<WeComKfAccount>? AccountList);

internal sealed record KfContactWayRequest(
    [property: JsonPropertyName("open_kfid")] string OpenKfId,
    [property: JsonPropertyName("scene")] string? Scene);

internal sealed record KfContactWayAnswer([property: JsonPropertyName("url")] string? Url);

internal sealed record KfServicerRequest(
    [property: JsonPropertyName("open_kfid")] string OpenKfId,
    [property: JsonPropertyName("userid_list")] IReadOnlyList<string>? UserIdList,
    [property: JsonPropertyName("department_id_list")] IReadOnlyList<long>? DepartmentIdList);

internal sealed record KfServicerResultAnswer([property: JsonPropertyName("result_list")] IReadOnlyList<WeComKfServicerResult>? ResultList);

internal sealed record KfServicerListAnswer([property: JsonPropertyName("servicer_list")] IReadOnlyList<WeComKfServicer>? ServicerList);

internal sealed record KfServiceStateRequest(
    [property: JsonPropertyName("open_kfid")] string OpenKfId,
    [property: JsonPropertyName("external_userid")] string ExternalUserId);

internal sealed record KfServiceStateAnswer(
    [property: JsonPropertyName("service_state")] int ServiceState,
    [property: JsonPropertyName("servicer_userid")] string? ServicerUserId);

internal sealed record KfServiceStateTransRequest(
    [property: JsonPropertyName("open_kfid")] string OpenKfId,
    [property: JsonPropertyName("external_userid")] string ExternalUserId,
    [property: JsonPropertyName("service_state")] int ServiceState,
    [property: JsonPropertyName("servicer_userid")] string? ServicerUserId);

internal sealed record KfServiceStateTransAnswer([property: JsonPropertyName("msg_code")] string? MsgCode);

internal sealed record KfCustomerRequest(
    [property: JsonPropertyName("external_userid_list")] IReadOnlyList<string> ExternalUserIdList,
    [property: JsonPropertyName("need_enter_session_context")] int NeedEnterSessionContext);

internal sealed record KfCustomerAnswer(
    [property: JsonPropertyName("customer_list")] IReadOnlyList<WeComKfCustomer>? CustomerList,
    [property: JsonPropertyName("invalid_external_userid")] IReadOnlyList<string>? InvalidExternalUserId);
