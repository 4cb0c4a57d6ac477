using Larkway.Hub.Platform.Auth.ApiKeys;
using Larkway.Hub.Alerts;
using Larkway.Hub.Approvals.Cards;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Auth;
using Microsoft.AspNetCore.Html;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// Who created something, as people know them: an API key by its name (its id in the title), the admin key, the Hub's
/// own senders. Rows record callers by key id (<c>key_…</c>); this turns the id into the name wherever a page shows one.
/// One per request: the keys are read once, at the first caller shown.
/// </summary>
internal sealed class ConsoleCallers(ApiKeyStore keys)
{
    /// <summary>What the audit log writes before an API key's id in its actor column.</summary>
    private const string ApiKeyActor = "api-key:";

    private Dictionary<string, ApiKeyRow>? _keys;

    /// <summary>A caller recorded on a notification or an approval (an API key id, <c>admin</c>, a Hub sender).</summary>
    public async Task<IHtmlContent> HtmlAsync(string? caller, CancellationToken cancellationToken = default)
    {
        switch (caller)
        {
            case null or "":
                return HtmlString.Empty;
            case HubAuth.AdminCallerId:
                return Span("caller", caller, "The Hub's admin key", "admin key");
            case AlertNotifier.Caller:
                return Span("caller", caller, "Sent by the Hub itself", "Hub alerts");
            case ApprovalCards.Caller:
                return Span("caller", caller, "Sent by the Hub itself", "Hub approval cards");
        }

        if ((await KeysAsync(cancellationToken).ConfigureAwait(false)).TryGetValue(caller, out var key))
        {
            var html = new HtmlContentBuilder().AppendHtml(Span("caller", caller, "API key " + caller, key.Name));
            return key.RevokedAt is null ? html : html.AppendHtml(" <span class=\"muted\">(revoked)</span>");
        }

        // An id no key has (a row from another database, a key removed by hand): say so, and show the id.
        return new HtmlContentBuilder().AppendHtml(Span("caller caller-unknown", caller, "No API key has this id any more", "unknown key"))
            .AppendHtml(" <code>").Append(caller).AppendHtml("</code>");
    }

    /// <summary>An audit entry's actor: <c>api-key:key_…</c> by the key's name, the others as they are.</summary>
    public Task<IHtmlContent> ActorAsync(string actor, CancellationToken cancellationToken = default) =>
        actor.StartsWith(ApiKeyActor, StringComparison.Ordinal)
            ? HtmlAsync(actor[ApiKeyActor.Length..], cancellationToken)
            : Task.FromResult(ConsoleHtml.Name(actor));

    /// <summary>A key's name (for messages), or its id when no key has it.</summary>
    public async Task<string> KeyNameAsync(string id, CancellationToken cancellationToken = default) =>
        (await KeysAsync(cancellationToken).ConfigureAwait(false)).TryGetValue(id, out var key) ? key.Name : id;

    private async Task<Dictionary<string, ApiKeyRow>> KeysAsync(CancellationToken cancellationToken) =>
        _keys ??= (await keys.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(k => k.Id, StringComparer.Ordinal);

    private static IHtmlContentBuilder Span(string cssClass, string caller, string title, string text) =>
        new HtmlContentBuilder()
            .AppendHtml("<span class=\"").Append(cssClass).AppendHtml("\" data-caller=\"").Append(caller)
            .AppendHtml("\" title=\"").Append(title).AppendHtml("\">").Append(text).AppendHtml("</span>");
}
