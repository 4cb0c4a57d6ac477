using Larkway.Emulator.Docs;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Api.Docs;

/// <summary>
/// Document event subscriptions for docx files (订阅云文档事件 and companions): only the owner or a manager (full access)
/// may subscribe (1069603); an unknown or deleted document is 1069604; unsubscribing twice is 1069605. With a user token
/// the user is the subscription's subscriber (<c>subscriber_id_list</c> of the events).
/// </summary>
internal static class DocSubscriptionRules
{
    public static IResult Subscribe(string fileToken, HttpContext context, DocsStore store)
    {
        var who = DocsRequest.Identity(context);
        store.Change(who.Actor, _ =>
        {
            var file = Docx(store, fileToken);
            var has = DocPermissions.Of(store, file, who);
            if (has < Perm.FullAccess)
            {
                throw DocsErrors.Error(DocsErrors.SubscribeForbidden, "only the document's owner or a collaborator with full access may subscribe to its events; " + DocsAccess.Denied(store, file, who, Perm.FullAccess, has));
            }

            var subscription = new DocSubscription(who.AppId, who.UserOpenId);
            if (!file.Subscriptions.Contains(subscription))
            {
                file.Subscriptions.Add(subscription);
            }

            return true;
        });
        return Envelope.Ok();
    }

    public static IResult Get(string fileToken, HttpContext context, DocsStore store)
    {
        var appId = context.CallerApp().AppId;
        return Envelope.Ok(new { is_subscribe = store.Read(() => Docx(store, fileToken).Subscriptions.Exists(s => s.AppId == appId)) });
    }

    public static IResult Unsubscribe(string fileToken, HttpContext context, DocsStore store)
    {
        var who = DocsRequest.Identity(context);
        store.Change(who.Actor, _ => Docx(store, fileToken).Subscriptions.RemoveAll(s => s.AppId == who.AppId) > 0
            ? true
            : throw DocsErrors.Error(DocsErrors.NotSubscribed, $"this app has not subscribed to {fileToken}"));
        return Envelope.Ok();
    }

    private static DocFile Docx(DocsStore store, string fileToken) =>
        store.FindFile(fileToken) is { Type: "docx", IsLive: true } file ? file : throw DocsErrors.Error(DocsErrors.SubscribeNotFound, $"no docx has the token '{fileToken}'");
}
