using System.Net;
using System.Text.Json;
using Larkway.Emulator.DingTalk.AppRobot;
using Larkway.Emulator.DingTalk.Cards;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.DingTalk.WorkNotifications;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Control;

/// <summary>
/// Test control for DingTalk under <c>/_emulator/dingtalk</c>: the org, token expiry, faults, custom robots and what
/// they received. Not part of DingTalk; no authentication (the emulator binds to loopback). Answers are plain JSON;
/// refusals are 400/404 <c>{"code","message"}</c>.
/// </summary>
internal static class DingTalkControlEndpoints
{
    private const int MaxKeywords = 10;

    public static void MapDingTalkControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator/dingtalk");
        control.MapGet("org", Org);
        control.MapPost("tokens/expire", (DingTalkTokens tokens) => DingTalkJson.Ok(new { expired = tokens.ExpireAll() }));
        control.MapPost("faults", AddFaultAsync);
        control.MapGet("faults", (DingTalkFaults faults) => DingTalkJson.Ok(new { items = faults.List() }));
        control.MapDelete("faults", (DingTalkFaults faults) =>
        {
            faults.Clear();
            return DingTalkJson.Ok(new { cleared = true });
        });
        control.MapPost("directory/generate", GenerateAsync);
        control.MapPut("contact-scope", SetScopeAsync);
        control.MapPost("robots", AddRobotAsync);
        control.MapGet("robots", (RobotStore robots) => DingTalkJson.Ok(new { items = robots.Robots().Select(r => RobotView(r, robots)) }));
        control.MapGet("robots/{accessToken}/messages", Messages);
        control.MapPost("groups", AddGroupAsync);
        control.MapGet("groups/{conversationId}/messages", GroupMessages);
        control.MapGet("users/{userId}/robot-messages", UserRobotMessages);
        control.MapGet("users/{userId}/work-notifications", UserWorkNotifications);
        control.MapGet("cards", Cards);
        control.MapGet("cards/{outTrackId}", (string outTrackId, CardStore cards) =>
            cards.Find(outTrackId) is { } card ? DingTalkJson.Ok(CardEndpoints.View(card)) : new ControlRefusal(404, "NotFound", "no card has that outTrackId"));
        control.MapPost("cards/{outTrackId}/click", ClickCardAsync);
    }

    /// <summary>The org, its app and its people (the app secret is never shown).</summary>
    private static IResult Org(DingTalkOrg org) => DingTalkJson.Ok(new
    {
        corpId = org.CorpId,
        name = org.Name,
        apps = org.Apps.Select(a => new { appKey = a.AppKey, robotCode = a.RobotCode, agentId = a.AgentId, name = a.Name }),
        departments = org.Departments.Select(d => new { deptId = d.DeptId, name = d.Name, parentId = d.ParentId, order = d.Order, managers = d.ManagerUserIds }),
        users = org.Users.Select(u => new { userid = u.UserId, name = u.Name, mobile = u.Mobile, unionid = u.UnionId, title = u.Title, email = u.Email, deptIdList = u.DeptIds }),
    });

    /// <summary>
    /// <c>{users, departments, prefix?}</c> → a large directory added to the org (the directory-sync benchmark), with
    /// userids <c>{prefix}000001…</c> (prefix <c>gen</c> by default).
    /// </summary>
    private static async Task<IResult> GenerateAsync(HttpContext context, DingTalkOrg org)
    {
        if (await ReadAsync(context) is not { } body)
        {
            return Refuse("the body must be a JSON object {users, departments, prefix?}");
        }

        var (usersOk, users) = OptionalInt(body, "users");
        var (departmentsOk, departments) = OptionalInt(body, "departments");
        if (!usersOk || !departmentsOk || users is null || departments is null)
        {
            return Refuse("users and departments are required integers");
        }

        try
        {
            var made = org.Generate(users.Value, departments.Value, body.String("prefix") ?? "gen");
            return DingTalkJson.Ok(new { users = made.Users, departments = made.Departments });
        }
        catch (ArgumentException ex)
        {
            return Refuse(ex.Message);
        }
    }

    /// <summary>
    /// <c>{departments:[dept_id…], users:[userid…]}</c>: the app's contact scope from now on (a department grants what is
    /// below it; <c>[1]</c> is the whole org, the default).
    /// </summary>
    private static async Task<IResult> SetScopeAsync(HttpContext context, DingTalkOrg org)
    {
        if (await ReadAsync(context) is not { } body
            || !body.TryGetProperty("departments", out var departments) || departments.ValueKind != JsonValueKind.Array
            || !departments.EnumerateArray().All(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out _))
            || StringList(body, "users") is not { } users)
        {
            return Refuse("the body must be a JSON object {departments: [dept_id…], users?: [userid…]}");
        }

        org.SetScope(departments.EnumerateArray().Select(d => d.GetInt64()), users);
        var (scopeDepartments, scopeUsers) = org.Scope();
        return DingTalkJson.Ok(new { departments = scopeDepartments, users = scopeUsers });
    }

    private static async Task<IResult> AddFaultAsync(HttpContext context, DingTalkFaults faults)
    {
        if (await ReadAsync(context) is not { } body)
        {
            return Refuse("the body must be a JSON object {endpoint, kind, count?, delay_ms?, every?}");
        }

        var endpoint = body.String("endpoint");
        var kind = body.String("kind");
        if (endpoint is null || kind is null || !DingTalkFaults.IsKnownKind(kind))
        {
            return Refuse("endpoint (\"POST /v1.0/oauth2/accessToken\" or \"*\") and kind (server_error, server_error_after, rate_limit or delay) are required");
        }

        var (countOk, count) = OptionalInt(body, "count");
        var (delayOk, delay) = OptionalInt(body, "delay_ms");
        var (everyOk, every) = OptionalInt(body, "every");
        if (!countOk || !delayOk || !everyOk)
        {
            return Refuse("count, delay_ms and every must be integers");
        }

        if (count is < 1 || every is < 1)
        {
            return Refuse("count and every must be at least 1");
        }

        var rule = new FaultRule(DingTalkFaults.Normalize(endpoint), kind, count ?? 1, delay, Every: every);
        faults.Add(rule);
        return DingTalkJson.Ok(rule);
    }

    /// <summary>
    /// <c>{name, conversationTitle?, keywords?, secret?, sign?, ipWhitelist?, accessToken?}</c> → the robot's token,
    /// webhook URL and secret. <c>"sign": true</c> without a secret generates a SEC-style one.
    /// </summary>
    private static async Task<IResult> AddRobotAsync(HttpContext context, RobotStore robots, TimeProvider time)
    {
        if (await ReadAsync(context) is not { } body)
        {
            return Refuse("the body must be a JSON object {name, conversationTitle?, keywords?, secret?, sign?, ipWhitelist?}");
        }

        var name = body.String("name");
        if (name is null)
        {
            return Refuse("name is required");
        }

        var keywords = StringList(body, "keywords");
        var whitelist = StringList(body, "ipWhitelist");
        if (keywords is null || whitelist is null || (body.TryGetProperty("sign", out var sign) && sign.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null)))
        {
            return Refuse("keywords and ipWhitelist must be arrays of strings; sign must be a boolean");
        }

        if (keywords.Count > MaxKeywords || keywords.Any(string.IsNullOrWhiteSpace))
        {
            return Refuse($"a robot has at most {MaxKeywords} keywords, none empty");
        }

        if (whitelist.FirstOrDefault(entry => !IsAddressOrRange(entry)) is { } bad)
        {
            return Refuse($"'{bad}' is neither an IP address nor a CIDR range");
        }

        var accessToken = body.String("accessToken");
        if (accessToken is not null && robots.Exists(accessToken))
        {
            return Refuse($"a robot with access token '{accessToken}' exists already");
        }

        var secret = body.String("secret") ?? (sign.ValueKind == JsonValueKind.True ? "SEC" + Ids.Hex(64) : null);
        var robot = robots.Add(accessToken, name, body.String("conversationTitle") ?? name, secret, keywords, whitelist, time.GetUtcNow());
        var webhook = $"{context.Request.Scheme}://{context.Request.Host}{RobotWebhookEndpoint.Path}?access_token={robot.AccessToken}";
        return DingTalkJson.Ok(new { accessToken = robot.AccessToken, webhook, secret = robot.Secret, conversationId = robot.ConversationId });
    }

    private static IResult Messages([FromRoute] string accessToken, RobotStore robots) =>
        robots.Find(accessToken) is null
            ? new ControlRefusal(404, "NotFound", "no robot has that access token")
            : DingTalkJson.Ok(new { items = robots.MessagesOf(accessToken).Select(RobotWebhookEndpoint.View) });

    /// <summary><c>{title, members[]}</c> (known userids) → <c>{openConversationId}</c>: a group the app robot can post into.</summary>
    private static async Task<IResult> AddGroupAsync(HttpContext context, RobotStore groups, DingTalkOrg org)
    {
        var body = await ReadAsync(context);
        var title = body?.String("title");
        var members = body is { } b ? StringList(b, "members") : null;
        if (title is null || members is null)
        {
            return Refuse("the body must be a JSON object {title, members[]} with members an array of userids");
        }

        if (members.FirstOrDefault(m => org.FindUser(m) is null) is { } unknown)
        {
            return Refuse($"'{unknown}' is not a user of the org");
        }

        var group = groups.AddGroup(title, [.. members.Distinct(StringComparer.Ordinal)]);
        return DingTalkJson.Ok(new { openConversationId = group.ConversationId, title = group.Title, members = group.Members });
    }

    /// <summary>
    /// <c>{userId, button | actionId}</c>: the user presses a callback button of the card (by its position, or by its
    /// actionId), as on the chat page: the card callback goes to the app over Stream and its answer, if it carries card
    /// data, updates the card. Answers <c>{ok, message, card}</c> with the card as it is afterwards.
    /// </summary>
    private static async Task<IResult> ClickCardAsync(HttpContext context, [FromRoute] string outTrackId, DingTalkOrg org, CardStore cards, Chat.CardClicks clicks)
    {
        if (cards.Find(outTrackId) is not { } card)
        {
            return new ControlRefusal(404, "NotFound", "no card has that outTrackId");
        }

        var body = await ReadAsync(context);
        var user = body?.String("userId") is { } userId ? org.FindUser(userId) : null;
        if (user is null)
        {
            return Refuse("the body must be a JSON object {userId, button | actionId} naming a user of the org");
        }

        var buttons = Chat.CardButton.Of(card);
        var actionId = body!.Value.String("actionId");
        var index = body.Value.TryGetProperty("button", out var b) && b.ValueKind == JsonValueKind.Number && b.TryGetInt32(out var i) ? i : -1;
        var button = actionId is not null ? buttons.FirstOrDefault(x => x.ActionId == actionId) : index >= 0 && index < buttons.Count ? buttons[index] : null;
        if (button?.ActionId is null)
        {
            return Refuse($"the card has no callback button {(actionId is null ? $"at position {index}" : $"with actionId '{actionId}'")} (it has {buttons.Count(x => x.ActionId is not null)})");
        }

        if (!card.Deliveries.Any(d => d.Success && ((d.SpaceType == "IM_ROBOT" && d.SpaceId == user.UserId) || d.SpaceType == "IM_GROUP")))
        {
            return new ControlRefusal(403, "Forbidden", "the card was not delivered to this user");
        }

        var outcome = await clicks.ClickAsync(card, user.UserId, button, context.RequestAborted);
        return DingTalkJson.Ok(new { ok = outcome.Ok, message = outcome.Message, card = CardEndpoints.View(cards.Find(outTrackId)!) });
    }

    /// <summary>
    /// <c>?spaceType=IM_ROBOT|IM_GROUP&amp;spaceId=…</c>: the cards delivered there (every card without them), oldest first,
    /// as a test finds the card an app sent without knowing its outTrackId.
    /// </summary>
    private static IResult Cards([FromQuery] string? spaceType, [FromQuery] string? spaceId, CardStore cards) =>
        (spaceType is null) != (spaceId is null)
            ? Refuse("give both spaceType (IM_ROBOT or IM_GROUP) and spaceId (a userid or an openConversationId), or neither")
            : DingTalkJson.Ok(new
            {
                items = cards.Export()
                    .Where(c => spaceType is null || c.Deliveries.Any(d => d.Success && d.SpaceType == spaceType && d.SpaceId == spaceId))
                    .OrderBy(c => c.CreatedAt).Select(CardEndpoints.View),
            });

    /// <summary>What the app robot posted into a group (custom robots' messages are under robots/{accessToken}/messages).</summary>
    private static IResult GroupMessages([FromRoute] string conversationId, RobotStore groups, AppRobotStore store) =>
        groups.Conversation(conversationId) is not { } group
            ? new ControlRefusal(404, "NotFound", "no group has that openConversationId")
            : DingTalkJson.Ok(new { openConversationId = group.ConversationId, title = group.Title, members = group.Members, items = store.InGroup(conversationId).Select(AppRobotEndpoints.View) });

    /// <summary>The user's one-to-one conversation with the app robot.</summary>
    private static IResult UserRobotMessages([FromRoute] string userId, DingTalkOrg org, AppRobotStore store) =>
        org.FindUser(userId) is null
            ? new ControlRefusal(404, "NotFound", "no user has that userid")
            : DingTalkJson.Ok(new { items = store.ToUser(userId).Select(AppRobotEndpoints.View) });

    /// <summary>The work notifications the user received (held-back ones are not here: see getsendresult).</summary>
    private static IResult UserWorkNotifications([FromRoute] string userId, DingTalkOrg org, WorkNotificationStore store) =>
        org.FindUser(userId) is null
            ? new ControlRefusal(404, "NotFound", "no user has that userid")
            : DingTalkJson.Ok(new { items = store.ToUser(userId).Select(WorkNotificationEndpoints.View) });

    private static object RobotView(CustomRobot robot, RobotStore robots) => new
    {
        accessToken = robot.AccessToken,
        name = robot.Name,
        conversationId = robot.ConversationId,
        conversationTitle = robots.Conversation(robot.ConversationId)?.Title,
        hasSecret = robot.Secret is not null,
        keywords = robot.Keywords,
        ipWhitelist = robot.IpWhitelist,
    };

    private static bool IsAddressOrRange(string entry) =>
        IPAddress.TryParse(entry, out _) || (entry.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(entry, out _));

    private static async Task<JsonElement?> ReadAsync(HttpContext context)
    {
        try
        {
            return await DingTalkBody.ReadObjectAsync(context.Request, DingTalkException.InvalidParameter);
        }
        catch (DingTalkException)
        {
            return null;
        }
    }

    /// <summary>Absent → (true, null); an integer → (true, it); anything else → (false, null).</summary>
    private static (bool Ok, int? Value) OptionalInt(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? (true, null)
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? (true, number)
        : (false, null);

    private static List<string>? StringList(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String)
            ? [.. list.EnumerateArray().Select(item => item.GetString()!)]
            : null;
    }

    private static IResult Refuse(string message) => new ControlRefusal(400, DingTalkCodes.InvalidParameter, message);

    private sealed class ControlRefusal(int status, string code, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => DingTalkJson.WriteAsync(httpContext, status, new { code, message });
    }
}
