using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// The pages of a DingTalk action link: the question (which notification, its key facts, the button, who decides, Confirm
/// and Cancel), and each answer. Everything from the notification or the person is HTML-encoded.
/// </summary>
internal static class DingTalkConfirmPage
{
    /// <summary>The query Cancel adds to the link: the page then says nothing was recorded (a GET, so it never acts).</summary>
    public const string CancelQuery = "cancel";

    /// <summary>The question: what confirming does, for whom, with Confirm (POST to the same link) and Cancel.</summary>
    public static IResult Ask(DingTalkActionState state, DingTalkActionClick click)
    {
        var body = new StringBuilder()
            .Append("<p class=\"what\">Confirm <strong>").Append(Encode(LabelOf(click))).Append("</strong> for this notification?</p>")
            .Append(Facts(state))
            .Append("<p class=\"who\">Deciding as <strong>").Append(Encode(state.Decider)).Append("</strong>")
            .Append(state.Decider == click.UserId ? "" : $" <span class=\"id\">({Encode(click.UserId)})</span>").Append("</p>")
            .Append("<div class=\"actions\"><form method=\"post\"><button type=\"submit\">Confirm</button></form>")
            .Append("<form method=\"get\"><input type=\"hidden\" name=\"").Append(CancelQuery).Append("\" value=\"1\"><button type=\"submit\" class=\"secondary\">Cancel</button></form></div>");
        return Html(StatusCodes.Status200OK, "Confirm", state.Title, body.ToString());
    }

    /// <summary>
    /// The answer for a link that may not act again, or null when it may: a decision this delivery has already recorded
    /// with any of its buttons, or the same button pressed before (409: nothing more is recorded).
    /// </summary>
    public static IResult? Done(DingTalkActionState state, DingTalkActionClick click)
    {
        if (state.Decided is { } decided)
        {
            var by = decided.OperatorOpenId is not { } who || who == click.UserId ? state.Decider : who;
            return Page(StatusCodes.Status409Conflict, "Already decided",
                $"{DingTalkActionState.DecisionWord(decided.Decision)} by {by} on {When(decided.At)}. Nothing more was recorded: the notification's buttons no longer act.", state.Title);
        }

        return state.Used is { } used
            ? Page(StatusCodes.Status409Conflict, "Already used", $"This button was already used, on {When(used.At)}. Nothing more was recorded.", state.Title)
            : null;
    }

    /// <summary>Cancel: nothing recorded, and the button still works.</summary>
    public static IResult Cancelled() =>
        Page(StatusCodes.Status200OK, "Cancelled", "Nothing was decided or recorded. The button in the DingTalk notification still works if you change your mind; you can close this page.");

    /// <summary>A link that is expired, forged or cut short.</summary>
    public static IResult Expired() =>
        Page(StatusCodes.Status404NotFound, "This link has expired",
            $"A notification's buttons work for {DingTalkActionLinks.Lifetime.Days} days, and this link is expired or incomplete. Nothing was recorded. Open the notification again, or ask whoever sent it.");

    /// <summary>A link whose notification (or delivery) is no longer on record.</summary>
    public static IResult Gone() =>
        Page(StatusCodes.Status410Gone, "Nothing to do", "This notification is no longer on record, so the button does nothing now.");

    /// <summary>A page with a heading, a message and, when known, the notification it is about.</summary>
    public static IResult Page(int status, string title, string message, string? notification = null) =>
        Html(status, title, notification, $"<p>{Encode(message)}</p>");

    private static string Facts(DingTalkActionState state) =>
        state.Facts.Count == 0 ? ""
            : "<ul class=\"facts\">" + string.Concat(state.Facts.Select(f => $"<li>{Encode(f)}</li>")) + "</ul>";

    private static string LabelOf(DingTalkActionClick click) =>
        click.Label is { Length: > 0 } text ? $"“{text}”"
        : click.Action.StartsWith("button:", StringComparison.Ordinal) ? "this button" : $"“{click.Action}”";

    private static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static IResult Html(int status, string heading, string? notification, string body)
    {
        var about = notification is null ? "" : $"<p class=\"about\">Notification</p><h2>{Encode(notification)}</h2>";
        var html = $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{Encode(heading)}} · Larkway</title>
            <style>body{font-family:system-ui,-apple-system,"PingFang SC",sans-serif;margin:0;background:#f5f6f7;color:#1f2329}
            main{max-width:28rem;margin:10vh auto;background:#fff;border-radius:12px;padding:1.5rem 1.75rem;box-shadow:0 1px 4px rgba(0,0,0,.08)}
            h1{font-size:1.2rem;margin:0 0 .75rem}h2{font-size:1.05rem;margin:0 0 .75rem}p{line-height:1.5;margin:0 0 1rem}
            .about{color:#646a73;font-size:.85rem;margin:0 0 .2rem}.id{color:#646a73}
            .facts{list-style:none;margin:0 0 1rem;padding:.75rem 1rem;background:#f5f6f7;border-radius:8px;line-height:1.6}
            .actions{display:flex;gap:.75rem}
            button{font:inherit;background:#1677ff;color:#fff;border:0;border-radius:8px;padding:.6rem 1.4rem;cursor:pointer}
            button.secondary{background:#fff;color:#1f2329;border:1px solid #d0d3d6}</style></head>
            <body><main><h1>{{Encode(heading)}}</h1>{{about}}{{body}}</main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
