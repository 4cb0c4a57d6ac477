using Larkway.Hub.Platform;
using System.Security.Cryptography;
using System.Text;
using Larkway.Channels.Rendering;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Larkway.WeCom;
using Larkway.WeCom.CustomerService;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// Sends the Hub's texts to a customer (<c>kf/send_msg</c>) within what WeCom allows: parts of at most 2,048 bytes, no more
/// than the session's budget (<see cref="KfSessions.TakeAsync"/>) — an answer that would go past it is cut, its last part
/// saying so — and each part under a msgid made from the caller's key, so a retry after a lost answer is refused by WeCom
/// as a repeat (95033) instead of shown twice. What went out is kept with the transcript.
/// </summary>
internal sealed partial class KfSender(
    HubWeComClients clients,
    KfSessions sessions,
    IDbContextFactory<HubDbContext> contexts,
    IHubStorageProvider provider,
    HubSecretProtector protector,
    KfTelemetry telemetry,
    TimeProvider time,
    ILogger<KfSender> logger,
    Webhooks.WebhookStore? webhooks = null)
{
    /// <summary>WeCom's largest text (bytes).</summary>
    public const int MaxTextBytes = 2048;

    /// <summary>The id of the hand-over button's menu item: a customer's text that carries it as menu_id asks for a person.</summary>
    public const string HandoverMenuId = "larkway_handover";

    /// <summary>The last part of an answer cut at the budget ends with this.</summary>
    public const string CutNotice = "(The rest of this answer could not be sent: WeCom lets us send 5 messages after each of yours. Write again to read on.)";

    /// <summary>
    /// Sends <paramref name="text"/> once per <paramref name="key"/>; returns the messages sent (0 when the budget or
    /// WeCom refused: logged, counted and kept, never retried into a closed window).
    /// </summary>
    public async Task<int> SendAsync(string app, string openKfId, string customer, string text, string key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        var parts = Split(text);
        var budget = await sessions.TakeAsync(app, openKfId, customer, parts.Count, cancellationToken).ConfigureAwait(false);
        if (budget.Granted == 0)
        {
            LogNotSent(logger, openKfId, app, budget.Refusal ?? "");
            telemetry.SendRefused(app, "budget");
            if (budget.Refusal != KfBudget.HeldByPeople)
            {
                // Kept for the transcript and the alert: the customer is owed an answer. (A person holding the session is not a failure.)
                await KeepAsync(app, openKfId, customer, NotSentIdOf(key), text, cancellationToken, notSent: budget.Refusal).ConfigureAwait(false);
            }

            return 0;
        }

        if (budget.Granted < parts.Count)
        {
            parts = Cut(text, budget.Granted);
            LogCut(logger, openKfId, app, budget.Granted);
        }

        var client = (await clients.GetAsync(app, cancellationToken).ConfigureAwait(false)).CustomerService;
        var sent = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var msgId = MsgIdOf(key, i);
            try
            {
                await client.SendAsync(openKfId, customer, WeComKfContent.FromText(parts[i]), msgId, cancellationToken).ConfigureAwait(false);
            }
            catch (WeComApiException ex) when (ex.Code == WeComErrorCodes.KfDuplicateMsgId)
            {
                // Sent by an attempt whose answer was lost: WeCom has it once.
            }
            catch (WeComApiException ex) when (IsRefusal(ex.Code))
            {
                LogRefused(logger, openKfId, app, ex.Code, ex.Message);
                telemetry.SendRefused(app, ex.Code);
                await KeepAsync(app, openKfId, customer, NotSentIdOf(msgId), string.Join("\n\n", parts.Skip(i)), cancellationToken, notSent: $"WeCom refused it ({ex.Code}: {ex.Message})")
                    .ConfigureAwait(false);
                return sent;
            }

            await KeepAsync(app, openKfId, customer, msgId, parts[i], cancellationToken).ConfigureAwait(false);
            telemetry.Sent(app);
            sent++;
        }

        return sent;
    }

    /// <summary>
    /// Sends <paramref name="text"/> with an event's code (welcome, end, hand-over): outside the budget, once per code. With
    /// a <paramref name="handoverButton"/> it goes as a menu whose one button hands the customer to people.
    /// </summary>
    public async Task<bool> SendOnEventAsync(string app, string openKfId, string? customer, string code, string text, CancellationToken cancellationToken, string? handoverButton = null)
    {
        var client = (await clients.GetAsync(app, cancellationToken).ConfigureAwait(false)).CustomerService;
        var msgId = MsgIdOf("code:" + code, 0);
        var content = handoverButton is null
            ? WeComKfContent.FromText(Split(text)[0])
            : WeComKfContent.FromMenu(new WeComKfMenu(text.Length == 0 ? null : text, [WeComKfMenuItem.ClickItem(HandoverMenuId, handoverButton)]));
        try
        {
            await client.SendOnEventAsync(code, content, msgId, cancellationToken).ConfigureAwait(false);
        }
        catch (WeComApiException ex) when (ex.Code == WeComErrorCodes.KfDuplicateMsgId)
        {
        }
        catch (WeComApiException ex)
        {
            // A code lives 20 seconds (welcome, end): a pull that came late finds it gone. Nothing to retry.
            LogCodeRefused(logger, openKfId, app, ex.Code, ex.Message);
            telemetry.SendRefused(app, ex.Code);
            return false;
        }

        await KeepAsync(app, openKfId, customer, msgId, handoverButton is null ? text : $"{text} [{handoverButton}]".TrimStart(), cancellationToken).ConfigureAwait(false);
        telemetry.Sent(app);
        return true;
    }

    /// <summary>WeCom's refusals of a send that another try would not change.</summary>
    internal static bool IsRefusal(string code) => code is WeComErrorCodes.KfMessageLimit or WeComErrorCodes.KfTimeLimit or WeComErrorCodes.KfSessionEnded
        or WeComErrorCodes.KfStateForbidsSending or WeComErrorCodes.KfNoRecentConsultation;

    /// <summary>A msgid for part <paramref name="part"/> of what <paramref name="key"/> names: 32 hex digits WeCom takes.</summary>
    internal static string MsgIdOf(string key, int part) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{key}#{part}")))[..32];

    private static List<string> Split(string text) =>
        [.. TextSplitter.Split(text, MaxTextBytes, TextMeasure.Utf8Bytes).Select(p => p.Text)];

    /// <summary>The first <paramref name="count"/> parts' worth of <paramref name="text"/>, the last ending with <see cref="CutNotice"/>.</summary>
    private static List<string> Cut(string text, int count)
    {
        var notice = "\n\n" + CutNotice;
        var room = count * MaxTextBytes - Encoding.UTF8.GetByteCount(notice) - 64 * count;
        var kept = TextSplitter.Split(text, room, TextMeasure.Utf8Bytes)[0].Text + notice;
        var parts = Split(kept);
        return parts.Count <= count ? parts : [.. parts.Take(count - 1), CutNotice];
    }

    /// <summary>The id a message that did not go is kept under: never one WeCom could give the message itself.</summary>
    private static string NotSentIdOf(string key) => "x" + MsgIdOf("not-sent:" + key, 0)[1..];

    private async Task KeepAsync(string app, string openKfId, string? customer, string msgId, string text, CancellationToken cancellationToken, string? notSent = null)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            var row = new KfMessageRow
            {
                App = app, OpenKfId = openKfId, MsgId = msgId, ExternalUserId = customer, Origin = KfOrigins.Hub, Type = "text",
                Content = protector.Protect(KfItems.Sent(text, notSent)), SentAt = now, StoredAt = now, Route = notSent is null ? KfRoutes.Sent : KfRoutes.NotSent,
            };
            db.Add(row);
            var forwarded = webhooks is null ? 0
                : await webhooks.QueueAsync(db, KfWebhooks.Message, KfWebhooks.IdOf(row), KfWebhooks.Payload(row, KfItems.Read(KfItems.Sent(text, notSent))), cancellationToken).ConfigureAwait(false);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                if (forwarded > 0)
                {
                    webhooks!.NotifySender();
                }
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // Kept by the attempt that sent it.
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.WeComKfNotSent, Level = LogLevel.Warning,
        Message = "WeCom customer service {OpenKfId} on {App}: a message to a customer was not sent: {Reason}.")]
    private static partial void LogNotSent(ILogger logger, string openKfId, string app, string reason);

    [LoggerMessage(EventId = LogEvents.WeComKfCut, Level = LogLevel.Information,
        Message = "WeCom customer service {OpenKfId} on {App}: an answer was cut to the {Count} messages WeCom still allows.")]
    private static partial void LogCut(ILogger logger, string openKfId, string app, int count);

    [LoggerMessage(EventId = LogEvents.WeComKfSendRefused, Level = LogLevel.Warning,
        Message = "WeCom customer service {OpenKfId} on {App}: WeCom refused a message to a customer ({Code}: {Reason}); not retried.")]
    private static partial void LogRefused(ILogger logger, string openKfId, string app, string code, string reason);

    [LoggerMessage(EventId = LogEvents.WeComKfCodeRefused, Level = LogLevel.Information,
        Message = "WeCom customer service {OpenKfId} on {App}: an event's message was refused ({Code}: {Reason}); its code lives 20 seconds.")]
    private static partial void LogCodeRefused(ILogger logger, string openKfId, string app, string code, string reason);
}
