using System.Text.Json;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Control;

/// <summary>
/// Test control under <c>/_emulator</c>: fault injection, token expiry, state dump, call counts,
/// read receipts.
/// Not part of Feishu; no authentication (the emulator binds to loopback).
/// </summary>
internal static class ControlEndpoints
{
    public static void MapControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator");
        control.MapPost("faults", AddFaultAsync);
        control.MapGet("faults", (FaultInjector faults) => Envelope.Ok(new { items = faults.List() }));
        control.MapDelete("faults", (FaultInjector faults) =>
        {
            faults.Clear();
            return Envelope.Ok();
        });
        control.MapPost("tokens/expire", (TokenStore tokens) => Envelope.Ok(new { expired = tokens.ExpireAll() }));
        control.MapGet("state", Dump);
        control.MapGet("calls", (CallCounter calls) => Envelope.Ok(new { items = calls.Snapshot().Select(c => new { endpoint = c.Key, count = c.Value }) }));
        control.MapDelete("calls", (CallCounter calls) =>
        {
            calls.Reset();
            return Envelope.Ok();
        });
        control.MapPost("messages/{message_id}/read", MarkReadAsync);
    }

    private static async Task<IResult> AddFaultAsync(HttpContext context, FaultInjector faults)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, ErrorCodes.BadRequest);
        var endpoint = body.RequiredString("endpoint", ErrorCodes.BadRequest);
        var kind = body.RequiredString("kind", ErrorCodes.BadRequest);
        if (!FaultRule.IsKnownKind(kind))
        {
            throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, "kind must be rate_limit, server_error, server_error_after, unavailable, delay, invalid_token or scope_denied");
        }

        var rule = new FaultRule(
            endpoint == "*" ? "*" : FaultInjector.Normalize(endpoint),
            kind,
            body.OptionalInt("count", ErrorCodes.BadRequest) ?? 1,
            body.OptionalInt("delay_ms", ErrorCodes.BadRequest),
            body.OptionalInt("reset_seconds", ErrorCodes.BadRequest),
            body.OptionalInt("every", ErrorCodes.BadRequest));
        if (rule.Count < 1)
        {
            throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, "count must be at least 1");
        }

        if (rule.Every is < 1)
        {
            throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, "every must be at least 1");
        }

        faults.Add(rule);
        return Envelope.Ok(rule);
    }


    private static async Task<IResult> MarkReadAsync(HttpContext context, [FromRoute(Name = "message_id")] string messageId, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, ErrorCodes.BadRequest);
        var openId = body.RequiredString("open_id", ErrorCodes.BadRequest);
        if (state.FindMessage(messageId) is null || state.FindUserByAnyOpenId(openId) is not { } reader)
        {
            throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, "unknown message_id or open_id");
        }

        state.MarkRead(messageId, reader.OpenId);
        return Envelope.Ok();
    }

    /// <summary>Everything except secrets and file bytes.</summary>
    private static IResult Dump(EmulatorState state, ApprovalStore approvals) => Envelope.Ok(new
    {
        tenant = state.Tenant,
        apps = state.Apps.Select(a => new { a.AppId, a.BotName, a.BotOpenId, a.Disabled }),
        departments = state.Departments,
        users = state.Users,
        chats = state.Chats,
        messages = state.Chats.SelectMany(c => state.MessagesIn(c.ChatId)),
        resources = state.Resources.Select(r => new { r.Key, Kind = r.Kind.ToString().ToLowerInvariant(), r.Type, r.FileName, r.ContentType, Size = r.Data.Length, r.OwnerAppId }),
        webhooks = state.Webhooks.Select(w => new { w.Token, w.ChatId, w.Name, HasSecret = w.Secret is not null, w.Keywords, w.IpAllowlist }),
        eventSubscriptions = state.EventSubscriptions.Select(e => new { e.AppId, Mode = EventControlEndpoints.ModeName(e.Mode), e.Url, HasEncryptKey = e.EncryptKey is not null, HasVerificationToken = e.VerificationToken is not null, e.ReceiveAllGroupMessages }),
        cardCallbacks = state.Apps.Select(a => state.CardCallbackOf(a.AppId)).OfType<CardCallbackSettings>()
            .Select(c => new { c.AppId, c.Url, c.CardRequestUrl, HasEncryptKey = c.EncryptKey is not null, HasVerificationToken = c.VerificationToken is not null }),
        approvals = approvals.Read(() => new
        {
            definitions = approvals.Definitions.Select(d => new { d.Code, d.Name, d.Status, Subscribers = approvals.SubscribersOf(d.Code).ToList(), Nodes = d.Nodes.Select(n => new { n.NodeId, n.CustomNodeId, n.Name, n.NodeType, n.ApproverOpenIds, n.SelfSelect }).ToList() }).ToList(),
            instances = approvals.Instances.Select(i => new
            {
                i.Code,
                i.ApprovalCode,
                i.Uuid,
                i.Status,
                i.Reverted,
                i.ApplicantOpenId,
                Tasks = i.Tasks.Select(t => new { t.Id, t.NodeId, t.CustomNodeId, t.OpenId, t.Status, t.Type }).ToList(),
            }).ToList(),
        }),
    });
}
