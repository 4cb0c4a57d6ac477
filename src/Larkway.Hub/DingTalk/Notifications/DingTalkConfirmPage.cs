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
            .Append(Buttons);
        return Html(StatusCodes.Status200OK, "Confirm", state.Title, body.ToString());
    }

    /// <summary>A bot card's button: what it is, who presses it, with Confirm and Cancel (opening the link never presses it).</summary>
    public static IResult AskBot(DingTalkActionClick click, string presser) =>
        Html(StatusCodes.Status200OK, "Confirm", null,
            new StringBuilder()
                .Append("<p class=\"what\">Press <strong>").Append(Encode(LabelOf(click))).Append("</strong>?</p>")
                .Append("<p class=\"who\">As <strong>").Append(Encode(presser)).Append("</strong></p>")
                .Append(Buttons).ToString());

    /// <summary>What the bot answered a confirmed press: its card's text, else its toast, else that it is done.</summary>
    public static IResult BotAnswer(Larkway.Hub.Bots.CardClickAnswer? answer)
    {
        var toast = answer?.Toast?.Text.Trim() is { Length: > 0 } t ? t : null;
        var card = answer?.Card is { Markdown.Length: > 0 } c ? c : null;
        var heading = card is not null && toast is not null ? toast : "Done";
        var message = card?.Markdown ?? toast ?? "The button was pressed. You can close this page.";
        return Page(StatusCodes.Status200OK, heading, message);
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

    // Confirm posts to the link itself; Cancel is a GET that never acts.
    private static readonly string Buttons =
        "<div class=\"actions\"><form method=\"post\"><button type=\"submit\">Confirm</button></form>"
        + $"<form method=\"get\"><input type=\"hidden\" name=\"{CancelQuery}\" value=\"1\"><button type=\"submit\" class=\"secondary\">Cancel</button></form></div>";

    /// <summary>Cancel: nothing recorded, and the button still works.</summary>
    public static IResult Cancelled() =>
        Page(StatusCodes.Status200OK, "Cancelled", "Nothing was decided or recorded. The button in the DingTalk notification still works if you change your mind; you can close this page.");

    /// <summary>A link that is expired, forged or cut short.</summary>
    public static IResult Expired(TimeSpan lifetime) =>
        Page(StatusCodes.Status404NotFound, "This link has expired",
            $"A notification's buttons work for {Duration(lifetime)}, and this link is expired or incomplete. Nothing was recorded. Open the notification again, or ask whoever sent it.");

    /// <summary>A link whose notification (or delivery) is no longer on record.</summary>
    public static IResult Gone() =>
        Page(StatusCodes.Status410Gone, "Nothing to do", "This notification is no longer on record, so the button does nothing now.");

    /// <summary>A link whose recipient has left the directory: it acts for nobody now.</summary>
    public static IResult RecipientLeft() =>
        Page(StatusCodes.Status410Gone, "This button no longer works",
            "The person this notification was sent to is no longer active in the directory (they left, or their account is suspended), so its buttons no longer act. Nothing was recorded. Ask whoever sent it.");

    /// <summary>A link whose DingTalk app is deleted or disabled in the Hub: nobody can sign in to it.</summary>
    public static IResult AppGone() =>
        Page(StatusCodes.Status410Gone, "This button no longer works",
            "The DingTalk app that sent this notification is no longer enabled in the Hub, so its buttons no longer act. Nothing was recorded.");

    /// <summary>
    /// Someone signed in who is not the link's recipient (a forwarded card, a copied link): nothing of the notification is
    /// shown, and the way to sign in with another account is offered (a plain link: DingTalk asks again).
    /// </summary>
    public static IResult SomeoneElse(string signedInAs, string token, bool bot = false) =>
        Html(StatusCodes.Status403Forbidden, bot ? "Not your button" : "Not your decision", null,
            (bot
                ? $"<p>You are signed in to DingTalk as <strong>{Encode(signedInAs)}</strong>, but this button was sent to someone else. Only the person it was sent to can press it, so nothing was done.</p>"
                : $"<p>You are signed in to DingTalk as <strong>{Encode(signedInAs)}</strong>, but this notification was sent to someone else. Only the person it was sent to can decide, so nothing was shown or recorded.</p>")
            + $"<p class=\"about\">If it was forwarded to you, ask the sender to send it to you. If this is your {(bot ? "button" : "notification")}, <a href=\"{Encode(DingTalkActionLinks.PathPrefix + token)}?{DingTalkActionEndpoint.SignInAgainQuery}=1\">sign in with your own DingTalk account</a>.</p>");

    /// <summary>The person who signed in is not a member of the organisation of the app that sent the notification.</summary>
    public static IResult NotAMember(string? signedInAs) =>
        Page(StatusCodes.Status403Forbidden, "Not your decision",
            (signedInAs is { Length: > 0 } nick ? $"You signed in to DingTalk as {nick}, who is" : "The DingTalk account you signed in with is")
            + " not a member of the organisation that sent this notification. Only the person it was sent to can decide; nothing was shown or recorded.");

    /// <summary>The person cancelled on DingTalk's sign-in page.</summary>
    public static IResult SignInCancelled(string token) =>
        Html(StatusCodes.Status200OK, "Sign-in cancelled", null,
            "<p>DingTalk did not sign you in, so nothing was shown or recorded. This notification's buttons act only once DingTalk confirms who you are.</p>"
            + $"<p><a href=\"{Encode(DingTalkActionLinks.PathPrefix + token)}\">Sign in with DingTalk again</a></p>");

    /// <summary>A sign-in return that this browser did not start (opened elsewhere, or its 10 minutes passed).</summary>
    public static IResult SignInNotStartedHere() =>
        Page(StatusCodes.Status400BadRequest, "Sign-in not recognised",
            "This sign-in was not started in this browser, or it took longer than 10 minutes, so nobody was signed in and nothing was recorded. Open the button in the DingTalk notification again.");

    /// <summary>DingTalk refused the sign-in's code or could not be reached.</summary>
    public static IResult SignInFailed(string code) =>
        Page(StatusCodes.Status502BadGateway, "DingTalk did not confirm who you are",
            $"DingTalk answered the sign-in with {code}, so nothing was recorded. Open the button in the notification again; if it keeps failing, the Hub's administrator can check the app's login settings (its redirect domain) in DingTalk's developer console.");

    /// <summary>A confirm without a DingTalk sign-in of the link's recipient (the page's own cookie expired, or never set).</summary>
    public static IResult SignInFirst() =>
        Page(StatusCodes.Status403Forbidden, "Not confirmed",
            "DingTalk has not confirmed who you are (or the sign-in expired), so nothing was recorded. Open the button in the notification again: DingTalk signs you in, then the page asks to confirm.");

    /// <summary>A page with a heading, a message and, when known, the notification it is about.</summary>
    public static IResult Page(int status, string title, string message, string? notification = null) =>
        Html(status, title, notification, $"<p>{Encode(message)}</p>");

    private static string Facts(DingTalkActionState state) =>
        state.Facts.Count == 0 ? ""
            : "<ul class=\"facts\">" + string.Concat(state.Facts.Select(f => $"<li>{Encode(f)}</li>")) + "</ul>";

    private static string LabelOf(DingTalkActionClick click) =>
        click.Label is { Length: > 0 } text ? $"“{text}”"
        : click.Action.StartsWith("button:", StringComparison.Ordinal) ? "this button" : $"“{click.Action}”";

    /// <summary>A lifetime as a person reads it: "3 days", "12 hours", "30 minutes".</summary>
    internal static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? Plural((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? Plural((int)span.TotalHours, "hour")
        : Plural((int)Math.Ceiling(span.TotalMinutes), "minute");

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count.ToString(CultureInfo.InvariantCulture)} {unit}s";

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
            .actions{display:flex;gap:.75rem}a{color:#1677ff}
            button{font:inherit;background:#1677ff;color:#fff;border:0;border-radius:8px;padding:.6rem 1.4rem;cursor:pointer}
            button.secondary{background:#fff;color:#1f2329;border:1px solid #d0d3d6}</style></head>
            <body><main><h1>{{Encode(heading)}}</h1>{{about}}{{body}}</main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
