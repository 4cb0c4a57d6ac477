using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;
using Larkway.WeCom.Messages;

namespace Larkway.WeCom.CustomerService;

/// <summary>
/// WeCom customer service (微信客服, <c>/cgi-bin/kf/*</c>): people on personal WeChat write to a customer-service account
/// through a contact link; the app pulls their messages (<see cref="SyncAsync"/>, told to by the <c>kf_msg_or_event</c>
/// callback), answers within 48 hours of their last message and at most 5 times after it (<see cref="SendAsync"/>), and
/// moves each session between the app, a queue and the receptionists (<see cref="TransferAsync"/>). The app must be one of
/// those allowed to call the customer-service API (微信客服 → 可调用接口的应用), and an account must be handed to it
/// (通过API管理微信客服账号) before it can be managed.
/// </summary>
public class WeComCustomerServiceClient
{
    internal const string AccountAddPath = "/cgi-bin/kf/account/add";
    internal const string AccountDelPath = "/cgi-bin/kf/account/del";
    internal const string AccountUpdatePath = "/cgi-bin/kf/account/update";
    internal const string AccountListPath = "/cgi-bin/kf/account/list";
    internal const string ContactWayPath = "/cgi-bin/kf/add_contact_way";
    internal const string ServicerAddPath = "/cgi-bin/kf/servicer/add";
    internal const string ServicerDelPath = "/cgi-bin/kf/servicer/del";
    internal const string ServicerListPath = "/cgi-bin/kf/servicer/list";
    internal const string SyncPath = "/cgi-bin/kf/sync_msg";
    internal const string SendPath = "/cgi-bin/kf/send_msg";
    internal const string SendOnEventPath = "/cgi-bin/kf/send_msg_on_event";
    internal const string StateGetPath = "/cgi-bin/kf/service_state/get";
    internal const string StateTransPath = "/cgi-bin/kf/service_state/trans";
    internal const string CustomerPath = "/cgi-bin/kf/customer/batchget";

    /// <summary>The most accounts one <c>account/list</c> call returns.</summary>
    public const int MaxAccountPage = 100;

    /// <summary>The most messages one <c>sync_msg</c> call returns (also its default).</summary>
    public const int MaxSyncLimit = 1000;

    /// <summary>The most customers one <c>customer/batchget</c> call reads.</summary>
    public const int MaxCustomers = 100;

    /// <summary>How many messages an app may send a customer after each of their messages.</summary>
    public const int MessagesPerCustomerMessage = 5;

    /// <summary>How long after a customer's last message an app may still send to them.</summary>
    public static readonly TimeSpan ReplyWindow = TimeSpan.FromHours(48);

    private readonly WeComPipeline _pipeline = null!;

    internal WeComCustomerServiceClient(WeComPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected WeComCustomerServiceClient()
    {
    }

    /// <summary>Adds an account (<c>kf/account/add</c>): its name (at most 16 characters) and avatar (temporary media). Returns its open_kfid.</summary>
    /// <exception cref="WeComApiException">95005 too many accounts, 95006 an illegal name, 95027 an unverified corp's 10, or a refusal.</exception>
    public virtual async Task<string> AddAccountAsync(string name, string avatarMediaId, CancellationToken cancellationToken = default)
    {
        Limits.Required(name, "name");
        Limits.Required(avatarMediaId, "media_id");
        CheckName(name);
        Limits.MaxBytes(avatarMediaId, 128, "media_id");
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, AccountAddPath, AccountAddPath) { Json = Json(new KfAccountAddRequest(name, avatarMediaId), WeComJsonContext.Default.KfAccountAddRequest) },
            WeComJsonContext.Default.KfAccountAddAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.OpenKfId is { Length: > 0 } id ? id : throw new WeComApiException(WeComErrorCodes.MalformedResponse, "kf/account/add answered without an open_kfid.");
    }

    /// <summary>Deletes an account the app manages (<c>kf/account/del</c>).</summary>
    public virtual Task DeleteAccountAsync(string openKfId, CancellationToken cancellationToken = default)
    {
        CheckAccount(openKfId);
        return SendVoidAsync(AccountDelPath, Json(new KfAccountRef(openKfId), WeComJsonContext.Default.KfAccountRef), idempotent: true, cancellationToken);
    }

    /// <summary>Renames an account or changes its avatar (<c>kf/account/update</c>); a null leaves that one as it is.</summary>
    public virtual Task UpdateAccountAsync(string openKfId, string? name = null, string? avatarMediaId = null, CancellationToken cancellationToken = default)
    {
        CheckAccount(openKfId);
        if (name is not null)
        {
            CheckName(name);
        }

        Limits.MaxBytes(avatarMediaId, 128, "media_id");
        return SendVoidAsync(AccountUpdatePath, Json(new KfAccountUpdateRequest(openKfId, name, avatarMediaId), WeComJsonContext.Default.KfAccountUpdateRequest), idempotent: true, cancellationToken);
    }

    /// <summary>One page of the corp's accounts (<c>kf/account/list</c>, <paramref name="limit"/> 1–100): the last page holds fewer than the limit.</summary>
    public virtual async Task<IReadOnlyList<WeComKfAccount>> ListAccountsPageAsync(int offset = 0, int limit = MaxAccountPage, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || limit is < 1 or > MaxAccountPage)
        {
            throw Limits.Invalid($"account/list takes an offset from 0 and a limit of 1 to {MaxAccountPage}, not offset {offset}, limit {limit}.");
        }

        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, AccountListPath, AccountListPath) { Json = Json(new KfAccountListRequest(offset, limit), WeComJsonContext.Default.KfAccountListRequest), Idempotent = true },
            WeComJsonContext.Default.KfAccountListAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.AccountList ?? [];
    }

    /// <summary>Every account of <see cref="ListAccountsPageAsync"/>, page after page, lazily.</summary>
    public virtual async IAsyncEnumerable<WeComKfAccount> ListAccountsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var offset = 0; ; offset += MaxAccountPage)
        {
            var page = await ListAccountsPageAsync(offset, MaxAccountPage, cancellationToken).ConfigureAwait(false);
            foreach (var account in page)
            {
                yield return account;
            }

            if (page.Count < MaxAccountPage)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// The account's contact link (<c>kf/add_contact_way</c>). A <paramref name="scene"/> (at most 32 bytes of letters,
    /// digits, <c>_</c> and <c>-</c>) comes back in <c>enter_session</c>; to pass more, append
    /// <c>&amp;scene_param=</c> and a URL-encoded value of at most 128 bytes to the link (<see cref="WithSceneParam"/>).
    /// </summary>
    public virtual async Task<Uri> GetContactLinkAsync(string openKfId, string? scene = null, CancellationToken cancellationToken = default)
    {
        CheckAccount(openKfId);
        if (scene is not null && (System.Text.Encoding.UTF8.GetByteCount(scene) > 32 || !scene.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            throw Limits.Invalid($"scene is at most 32 letters, digits, '_' or '-', not '{scene}'.");
        }

        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, ContactWayPath, ContactWayPath) { Json = Json(new KfContactWayRequest(openKfId, string.IsNullOrEmpty(scene) ? null : scene), WeComJsonContext.Default.KfContactWayRequest), Idempotent = true },
            WeComJsonContext.Default.KfContactWayAnswer,
            cancellationToken).ConfigureAwait(false);
        return Uri.TryCreate(answer.Url, UriKind.Absolute, out var url) ? url : throw new WeComApiException(WeComErrorCodes.MalformedResponse, "kf/add_contact_way answered without a url.");
    }

    /// <summary>The contact link with <paramref name="sceneParam"/> appended (at most 128 bytes before encoding); <c>enter_session</c> returns it as it was.</summary>
    public static Uri WithSceneParam(Uri contactLink, string sceneParam)
    {
        ArgumentNullException.ThrowIfNull(contactLink);
        Limits.MaxBytes(sceneParam, 128, "scene_param");
        var separator = contactLink.Query.Length > 0 ? "&" : "?";
        return new Uri(contactLink.AbsoluteUri + separator + "scene_param=" + Uri.EscapeDataString(sceneParam));
    }

    /// <summary>Adds receptionists (<c>kf/servicer/add</c>): up to 100 members and 20 departments; each answers apart.</summary>
    public virtual Task<IReadOnlyList<WeComKfServicerResult>> AddServicersAsync(string openKfId, IReadOnlyList<string>? userIds, IReadOnlyList<long>? departmentIds = null, CancellationToken cancellationToken = default) =>
        ServicersAsync(ServicerAddPath, openKfId, userIds, departmentIds, maxDepartments: 20, cancellationToken);

    /// <summary>Removes receptionists (<c>kf/servicer/del</c>): up to 100 members and 100 departments; each answers apart.</summary>
    public virtual Task<IReadOnlyList<WeComKfServicerResult>> RemoveServicersAsync(string openKfId, IReadOnlyList<string>? userIds, IReadOnlyList<long>? departmentIds = null, CancellationToken cancellationToken = default) =>
        ServicersAsync(ServicerDelPath, openKfId, userIds, departmentIds, maxDepartments: 100, cancellationToken);

    /// <summary>The account's receptionists (<c>kf/servicer/list</c>): members with their status, and departments.</summary>
    public virtual async Task<IReadOnlyList<WeComKfServicer>> ListServicersAsync(string openKfId, CancellationToken cancellationToken = default)
    {
        CheckAccount(openKfId);
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Get, $"{ServicerListPath}?open_kfid={Uri.EscapeDataString(openKfId)}", ServicerListPath) { Idempotent = true },
            WeComJsonContext.Default.KfServicerListAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.ServicerList ?? [];
    }

    /// <summary>
    /// One page of the account's messages and events after <paramref name="cursor"/> (<c>kf/sync_msg</c>; null: from the
    /// oldest WeCom keeps, 3 days). Pass the callback's <paramref name="token"/> (valid 10 minutes): without it WeCom
    /// limits the calls strictly. Store <see cref="WeComKfMessagePage.NextCursor"/> durably once the page is stored, and pull
    /// again while <see cref="WeComKfMessagePage.HasMore"/> — a page may be empty and still have more.
    /// </summary>
    /// <exception cref="WeComApiException">95000/95004 an unknown account, 95007 an expired token, 48007 an account not handed to the app, or a refusal.</exception>
    public virtual async Task<WeComKfMessagePage> SyncAsync(string openKfId, string? cursor = null, string? token = null, int limit = MaxSyncLimit, bool silkVoice = false, CancellationToken cancellationToken = default)
    {
        CheckAccount(openKfId);
        Limits.MaxBytes(cursor, 64, "cursor");
        Limits.MaxBytes(token, 128, "token");
        if (limit is < 1 or > MaxSyncLimit)
        {
            throw Limits.Invalid($"sync_msg's limit is 1 to {MaxSyncLimit}, not {limit}.");
        }

        var request = new KfSyncRequest(string.IsNullOrEmpty(cursor) ? null : cursor, string.IsNullOrEmpty(token) ? null : token, limit, silkVoice ? 1 : null, openKfId);
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, SyncPath, SyncPath) { Json = Json(request, WeComJsonContext.Default.KfSyncRequest), Idempotent = true },
            WeComJsonContext.Default.KfSyncAnswer,
            cancellationToken).ConfigureAwait(false);
        return new WeComKfMessagePage(answer.MsgList ?? [], string.IsNullOrEmpty(answer.NextCursor) ? cursor : answer.NextCursor, answer.HasMore == 1);
    }

    /// <summary>
    /// Sends <paramref name="content"/> to a customer (<c>kf/send_msg</c>) and returns the message's id
    /// (<paramref name="msgId"/>, else WeCom's). Allowed while the session is new or the app's (0, 1), within 48 hours of the
    /// customer's last message and 5 times after it. An accepted message may still fail: watch for <c>msg_send_fail</c>.
    /// Not retried after a failed connection unless <paramref name="msgId"/> is given (WeCom refuses a repeated msgid, 95033).
    /// </summary>
    /// <exception cref="WeComApiException">
    /// 95001 five messages already, 95002 / 95031 past 48 hours, 95018 the session's state does not allow it (a receptionist
    /// holds it), 95013 the session ended, 95033 a msgid used before; a broken documented limit before sending.
    /// </exception>
    public virtual async Task<string> SendAsync(string openKfId, string externalUserId, WeComKfContent content, string? msgId = null, CancellationToken cancellationToken = default)
    {
        CheckAccount(openKfId);
        Limits.Required(externalUserId, "touser");
        ArgumentNullException.ThrowIfNull(content);
        CheckMsgId(msgId);
        CheckContent(content, maxMenuItems: 50);
        var request = KfSendRequest.Of(content) with { ToUser = externalUserId, OpenKfId = openKfId, MsgId = msgId };
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, SendPath, SendPath) { Json = Json(request, WeComJsonContext.Default.KfSendRequest), Idempotent = msgId is not null },
            WeComJsonContext.Default.KfSendAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.MsgId ?? msgId ?? throw new WeComApiException(WeComErrorCodes.MalformedResponse, "kf/send_msg answered without a msgid.");
    }

    /// <summary>
    /// Answers an event with its code (<c>kf/send_msg_on_event</c>): a welcome (<c>enter_session</c>'s welcome_code, within 20
    /// seconds), a queue or pick-up notice (48 hours), an end-of-session message (20 seconds). Text or a menu of at most 10
    /// items; each code once.
    /// </summary>
    public virtual async Task<string> SendOnEventAsync(string code, WeComKfContent content, string? msgId = null, CancellationToken cancellationToken = default)
    {
        Limits.Required(code, "code");
        ArgumentNullException.ThrowIfNull(content);
        if (content.MsgType is not ("text" or "msgmenu"))
        {
            throw Limits.Invalid($"send_msg_on_event sends text or msgmenu, not {content.MsgType}.");
        }

        CheckMsgId(msgId);
        CheckContent(content, maxMenuItems: 10);
        var request = KfSendRequest.Of(content) with { Code = code, MsgId = msgId };
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, SendOnEventPath, SendOnEventPath) { Json = Json(request, WeComJsonContext.Default.KfSendRequest), Idempotent = msgId is not null },
            WeComJsonContext.Default.KfSendAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.MsgId ?? msgId ?? throw new WeComApiException(WeComErrorCodes.MalformedResponse, "kf/send_msg_on_event answered without a msgid.");
    }

    /// <summary>The session's state, and its receptionist when one holds it (<c>kf/service_state/get</c>).</summary>
    public virtual async Task<WeComKfSession> GetSessionAsync(string openKfId, string externalUserId, CancellationToken cancellationToken = default)
    {
        CheckAccount(openKfId);
        Limits.Required(externalUserId, "external_userid");
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, StateGetPath, StateGetPath) { Json = Json(new KfServiceStateRequest(openKfId, externalUserId), WeComJsonContext.Default.KfServiceStateRequest), Idempotent = true },
            WeComJsonContext.Default.KfServiceStateAnswer,
            cancellationToken).ConfigureAwait(false);
        return new WeComKfSession((WeComKfServiceState)answer.ServiceState, string.IsNullOrEmpty(answer.ServicerUserId) ? null : answer.ServicerUserId);
    }

    /// <summary>
    /// Moves the session (<c>kf/service_state/trans</c>): to the app (1), the queue (2), a receptionist (3, who must be
    /// receiving) or ended (4). Returns the code for one message that fits the move (<c>send_msg_on_event</c>), when WeCom
    /// gives one: the first move into the queue or to a receptionist, and an end.
    /// </summary>
    /// <exception cref="WeComApiException">95016 a move WeCom does not allow, 95014 not a receptionist or not activated, 95019 a receptionist who stopped, 95013 an ended session.</exception>
    public virtual async Task<string?> TransferAsync(string openKfId, string externalUserId, WeComKfServiceState state, string? servicerUserId = null, CancellationToken cancellationToken = default)
    {
        CheckAccount(openKfId);
        Limits.Required(externalUserId, "external_userid");
        if (!Enum.IsDefined(state))
        {
            throw Limits.Invalid($"service_state is 0 to 4, not {(int)state}.");
        }

        if (state == WeComKfServiceState.Receptionist && string.IsNullOrEmpty(servicerUserId))
        {
            throw Limits.Invalid("servicer_userid is required to hand a session to a receptionist (state 3).");
        }

        var request = new KfServiceStateTransRequest(openKfId, externalUserId, (int)state, state == WeComKfServiceState.Receptionist ? servicerUserId : null);
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, StateTransPath, StateTransPath) { Json = Json(request, WeComJsonContext.Default.KfServiceStateTransRequest) },
            WeComJsonContext.Default.KfServiceStateTransAnswer,
            cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(answer.MsgCode) ? null : answer.MsgCode;
    }

    /// <summary>
    /// Reads customers (<c>kf/customer/batchget</c>, 1–100 ids): their nickname, avatar, … and, when
    /// <paramref name="withEnterContext"/>, how they last entered a session. Customers not seen within 48 hours come back in
    /// <see cref="WeComKfCustomers.Invalid"/>.
    /// </summary>
    public virtual async Task<WeComKfCustomers> GetCustomersAsync(IReadOnlyList<string> externalUserIds, bool withEnterContext = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(externalUserIds);
        Limits.Count(externalUserIds, 1, MaxCustomers, "external_userid_list");
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, CustomerPath, CustomerPath) { Json = Json(new KfCustomerRequest(externalUserIds, withEnterContext ? 1 : 0), WeComJsonContext.Default.KfCustomerRequest), Idempotent = true },
            WeComJsonContext.Default.KfCustomerAnswer,
            cancellationToken).ConfigureAwait(false);
        return new WeComKfCustomers(answer.CustomerList ?? [], answer.InvalidExternalUserId ?? []);
    }

    private async Task<IReadOnlyList<WeComKfServicerResult>> ServicersAsync(string path, string openKfId, IReadOnlyList<string>? userIds, IReadOnlyList<long>? departmentIds, int maxDepartments, CancellationToken cancellationToken)
    {
        CheckAccount(openKfId);
        Limits.Count(userIds, 0, 100, "userid_list");
        Limits.Count(departmentIds, 0, maxDepartments, "department_id_list");
        if ((userIds?.Count ?? 0) + (departmentIds?.Count ?? 0) == 0)
        {
            throw Limits.Invalid("name at least one member (userid_list) or department (department_id_list).");
        }

        var request = new KfServicerRequest(openKfId, userIds is { Count: > 0 } ? userIds : null, departmentIds is { Count: > 0 } ? departmentIds : null);
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, path, path) { Json = Json(request, WeComJsonContext.Default.KfServicerRequest), Idempotent = true },
            WeComJsonContext.Default.KfServicerResultAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.ResultList ?? [];
    }

    private Task SendVoidAsync(string path, byte[] json, bool idempotent, CancellationToken cancellationToken) =>
        _pipeline.SendAsync(new WeComRequest(HttpMethod.Post, path, path) { Json = json, Idempotent = idempotent }, WeComJsonContext.Default.WeComResult, cancellationToken);

    private static byte[] Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    private static void CheckAccount(string openKfId)
    {
        Limits.Required(openKfId, "open_kfid");
        Limits.MaxBytes(openKfId, 64, "open_kfid");
    }

    private static void CheckName(string name)
    {
        // "16 characters": counted as text elements, so an emoji or a combined character is one.
        if (new StringInfo(name).LengthInTextElements > 16)
        {
            throw Limits.Invalid($"An account's name is at most 16 characters, not {new StringInfo(name).LengthInTextElements}.");
        }
    }

    private static void CheckMsgId(string? msgId)
    {
        if (msgId is not null && (msgId.Length is 0 or > 32 || !msgId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            throw Limits.Invalid($"msgid is 1 to 32 letters, digits, '_' or '-', not '{msgId}'.");
        }
    }

    private static void CheckContent(WeComKfContent content, int maxMenuItems)
    {
        switch (content)
        {
            case { Text: { } text }:
                Limits.Required(text.Content, "text.content");
                Limits.MaxBytes(text.Content, 2048, "text.content");
                break;
            case { Image: not null } or { Voice: not null } or { Video: not null } or { File: not null }:
                Limits.Required((content.Image ?? content.Voice ?? content.Video ?? content.File)!.MediaId, content.MsgType + ".media_id");
                break;
            case { Link: { } link }:
                Limits.Required(link.Title, "link.title");
                Limits.Required(link.ThumbMediaId, "link.thumb_media_id");
                Limits.MaxBytes(link.Url, 2048, "link.url");
                if (!link.Url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !link.Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                {
                    throw Limits.Invalid("link.url must be an http or https address.");
                }

                break;
            case { MiniProgram: { } mini }:
                Limits.Required(mini.AppId, "miniprogram.appid");
                Limits.Required(mini.PagePath, "miniprogram.pagepath");
                Limits.Required(mini.ThumbMediaId, "miniprogram.thumb_media_id");
                break;
            case { MsgMenu: { } menu }:
                CheckMenu(menu, maxMenuItems);
                break;
            case { Location: { } location }:
                if (location.Latitude is < -90 or > 90 || location.Longitude is < -180 or > 180)
                {
                    throw Limits.Invalid($"location is latitude −90…90 and longitude −180…180, not {location.Latitude}, {location.Longitude}.");
                }

                break;
            case { CaLink: { } ca }:
                Limits.Required(ca.LinkUrl, "ca_link.link_url");
                break;
        }
    }

    private static void CheckMenu(WeComKfMenu menu, int maxItems)
    {
        Limits.MaxBytes(menu.HeadContent, 1024, "msgmenu.head_content");
        Limits.MaxBytes(menu.TailContent, 1024, "msgmenu.tail_content");
        var items = menu.List ?? [];
        Limits.Count(items, 0, maxItems, "msgmenu.list");
        var interactive = items.Count(i => i.Interactive);
        if (interactive > 10)
        {
            throw Limits.Invalid($"A menu holds at most 10 click, view and miniprogram items together, not {interactive}.");
        }

        for (var i = 0; i < items.Count; i++)
        {
            var at = $"msgmenu.list[{i.ToString(CultureInfo.InvariantCulture)}]";
            switch (items[i])
            {
                case { Click: { } click }:
                    Between(click.Id, 1, 128, at + ".click.id");
                    Between(click.Content, 1, 128, at + ".click.content");
                    break;
                case { View: { } view }:
                    Between(view.Url, 1, 2048, at + ".view.url");
                    Between(view.Content, 1, 1024, at + ".view.content");
                    break;
                case { MiniProgram: { } mini }:
                    Between(mini.AppId, 1, 32, at + ".miniprogram.appid");
                    Between(mini.PagePath, 1, 1024, at + ".miniprogram.pagepath");
                    Limits.MaxBytes(mini.Content, 1024, at + ".miniprogram.content");
                    break;
                case { Text: { } text }:
                    Between(text.Content, 1, 256, at + ".text.content");
                    break;
                default:
                    throw Limits.Invalid($"{at} is click, view, miniprogram or text, each with its object; not '{items[i].Type}'.");
            }
        }
    }

    private static void Between(string? value, int min, int max, string field)
    {
        Limits.Required(value, field);
        if (System.Text.Encoding.UTF8.GetByteCount(value!) is var bytes && (bytes < min || bytes > max))
        {
            throw Limits.Invalid($"{field} is {min} to {max} bytes in UTF-8, not {bytes}.");
        }
    }
}
