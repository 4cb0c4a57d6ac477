using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Approval;

/// <summary>
/// Approval definitions (§7.1): create/overwrite, get, and the per-app subscription that decides which
/// apps receive a definition's approval_instance and approval_task events (subscribe page: an app
/// gets them only after subscribing to that approval_code; subscribing twice is 1390007).
/// </summary>
internal static class ApprovalDefinitionEndpoints
{
    private const int Invalid = ApprovalWire.Invalid;

    public static void MapApprovalDefinitionEndpoints(this IEndpointRouteBuilder routes)
    {
        var approvals = routes.MapGroup("/open-apis/approval/v4/approvals").AsOpenApi();
        approvals.MapPost(string.Empty, CreateAsync);
        approvals.MapGet("{approval_code}", Get);
        approvals.MapPost("{approval_code}/subscribe", ([FromRoute(Name = "approval_code")] string code, HttpContext context, ApprovalStore store) => Subscribe(code, context, store, subscribe: true));
        approvals.MapPost("{approval_code}/unsubscribe", ([FromRoute(Name = "approval_code")] string code, HttpContext context, ApprovalStore store) => Subscribe(code, context, store, subscribe: false));
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ApprovalStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var draft = DefinitionReader.Read(body, context.CallerIds(store.State), ApprovalWire.UserIdType(context));
        var appId = context.CallerApp().AppId;
        var code = store.Change(tx => Save(store, draft, appId));
        return Envelope.Ok(new { approval_code = code, approval_id = code });
    }

    /// <summary>A new code, or (approval_code given) the existing definition overwritten in place.</summary>
    internal static string Save(ApprovalStore store, DefinitionDraft draft, string appId)
    {
        if (draft.Code is { } existingCode)
        {
            var existing = store.Definition(existingCode);
            existing.Name = draft.Name;
            existing.FormContent = draft.FormContent;
            existing.Widgets = draft.Widgets;
            existing.Nodes = draft.Nodes;
            return existing.Code;
        }

        var code = Guid.NewGuid().ToString().ToUpperInvariant();
        store.PutDefinition(new ApprovalDefinition { Code = code, Name = draft.Name, FormContent = draft.FormContent, Widgets = draft.Widgets, Nodes = draft.Nodes, OwnerAppId = appId });
        return code;
    }

    private static IResult Get([FromRoute(Name = "approval_code")] string code, ApprovalStore store) =>
        Envelope.Ok(store.Read(() => ApprovalWire.Definition(store.Definition(code))));

    private static IResult Subscribe(string code, HttpContext context, ApprovalStore store, bool subscribe)
    {
        var appId = context.CallerApp().AppId;
        store.Change(tx =>
        {
            _ = store.Definition(code);
            if (subscribe && !store.Subscribe(code, appId))
            {
                throw ApiErrorException.BadRequest(ErrorCodes.ApprovalSubscriptionExists, $"subscription existed: this app already subscribed to approval '{code}'");
            }

            if (!subscribe)
            {
                store.Unsubscribe(code, appId);
            }

            return true;
        });
        return Envelope.Ok();
    }
}
