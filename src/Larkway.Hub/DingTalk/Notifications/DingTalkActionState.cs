using System.Text.Json;
using Larkway.DingTalk;
using Larkway.DingTalk.Robots;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Cards;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// What a DingTalk action link's page says about its click: the notification's title and key facts as the card shows
/// them, the person deciding (their DingTalk name when the app can read it, else their userid), and what this delivery
/// already recorded — the same button pressed before, or a decision taken with any of its buttons.
/// </summary>
internal sealed record DingTalkActionState(
    string Title,
    IReadOnlyList<string> Facts,
    string? AppName,
    string Decider,
    NotificationActionRow? Used,
    NotificationActionRow? Decided)
{
    /// <summary>
    /// Whether the recipient has left the directory: the Hub knows the person behind the link's account (the delivery was
    /// routed to them, or the account is linked) and they are resigned, frozen or gone. Their links then act no more.
    /// </summary>
    public bool RecipientLeft { get; init; }

    /// <summary>How many of the card's lines the page repeats: the facts a decision rests on, not the whole message.</summary>
    public const int MaxFacts = 12;

    private const int MaxFactChars = 200;

    /// <summary>The click's state, or null when the notification or its delivery is no longer on record.</summary>
    public static async Task<DingTalkActionState?> LoadAsync(IServiceProvider services, DingTalkActionClick click, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<NotificationStore>();
        if (await store.GetAsync(click.NotificationId, cancellationToken).ConfigureAwait(false) is not { } found
            || found.Deliveries.FirstOrDefault(d => d.Id == click.DeliveryId) is not { } delivery)
        {
            return null;
        }

        var (title, facts) = Read(found.Notification.Content);
        var mine = (await store.ListActionsAsync(click.NotificationId, cancellationToken).ConfigureAwait(false)).Where(a => Of(a, delivery)).ToList();
        var appName = delivery.App ?? found.Notification.App;
        var decided = mine.FirstOrDefault(a => a.Decision is not null);
        var left = await LeftAsync(services, appName, click.UserId, delivery, cancellationToken).ConfigureAwait(false);
        var decider = left ? click.UserId : await NameAsync(services, appName, click.UserId, cancellationToken).ConfigureAwait(false);
        return new DingTalkActionState(title, facts, appName, decider, mine.FirstOrDefault(a => a.Action == click.Action), decided) { RecipientLeft = left };
    }

    /// <summary>
    /// The Hub app that sent the click's delivery (a bot card's: its own app), or null when the notification or delivery is
    /// no longer on record.
    /// </summary>
    public static async Task<string?> AppOfAsync(IServiceProvider services, DingTalkActionClick click, CancellationToken cancellationToken)
    {
        if (click.Bot is { } bot)
        {
            // A bot card's link names its app itself: there is no notification behind it.
            return bot.App;
        }

        var found = await services.GetRequiredService<NotificationStore>().GetAsync(click.NotificationId, cancellationToken).ConfigureAwait(false);
        return found is { } f && f.Deliveries.FirstOrDefault(d => d.Id == click.DeliveryId) is { } delivery ? delivery.App ?? f.Notification.App : null;
    }

    private static async Task<bool> LeftAsync(IServiceProvider services, string? appName, string userId, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        if (services.GetService<Larkway.Hub.Notifications.Actions.NotificationOperators>() is not { } operators || services.GetService<Larkway.Hub.Directory.PeopleStore>() is not { } people
            || await operators.PersonOfAsync(HubAppPlatform.DingTalk, appName ?? "", userId, delivery, cancellationToken).ConfigureAwait(false) is not { } personId)
        {
            // Nobody the directory knows: DingTalk's sign-in (a member of the app's organisation) is what holds the link.
            return false;
        }

        return await people.FindAsync(personId, cancellationToken).ConfigureAwait(false) is not { Status: Larkway.Hub.Directory.PersonStatus.Active };
    }

    /// <summary>The decision the click just recorded for this delivery, when it recorded one (not the one before it).</summary>
    public static async Task<NotificationActionRow?> NewDecisionAsync(IServiceProvider services, DingTalkActionClick click, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<NotificationStore>();
        var delivery = (await store.GetAsync(click.NotificationId, cancellationToken).ConfigureAwait(false))?.Deliveries.FirstOrDefault(d => d.Id == click.DeliveryId);
        return delivery is null ? null
            : (await store.ListActionsAsync(click.NotificationId, cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(a => Of(a, delivery) && a.Action == click.Action && a.Decision is not null);
    }

    /// <summary>
    /// Tells the person, under the card they decided on, what was decided and by whom: DingTalk cannot edit a robot's
    /// action card, so its buttons stay on screen — this message and the links' "already decided" answer are what change.
    /// </summary>
    /// <exception cref="DingTalkApiException">DingTalk refused or did not answer.</exception>
    /// <exception cref="HubAppNotFoundException">The app is deleted or disabled.</exception>
    public async Task SendFollowUpAsync(IServiceProvider services, string userId, NotificationActionRow decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var client = await services.GetRequiredService<HubDingTalkClients>().GetAsync(AppName ?? "", cancellationToken).ConfigureAwait(false);
        await client.Robot.SendToUsersAsync([userId], DingTalkAppRobotMessage.Text(FollowUp(Title, DecisionWord(decision.Decision), Decider)), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The follow-up's text: plain (a text message), so a title or name is shown as written.</summary>
    internal static string FollowUp(string notificationTitle, string decision, string decider) =>
        $"{decision} by {decider}: {notificationTitle}\nIts buttons no longer act: it is decided.";

    /// <summary>A stored decision as a person reads it: <c>approved</c> → <c>Approved</c>.</summary>
    public static string DecisionWord(string? decision) =>
        decision is { Length: > 0 } d ? char.ToUpperInvariant(d[0]) + d[1..].Replace('_', ' ') : "Decided";

    // A row of this delivery: recorded by its DingTalk link (the key names the delivery) or on the message it sent.
    private static bool Of(NotificationActionRow action, NotificationDeliveryRow delivery) =>
        action.EventKey.StartsWith($"dingtalk/{delivery.Id}/", StringComparison.Ordinal)
        || (delivery.MessageId is { } sent && action.MessageId == sent && action.OperatorOpenId is not null);

    private static async Task<string> NameAsync(IServiceProvider services, string? appName, string userId, CancellationToken cancellationToken)
    {
        try
        {
            var client = await services.GetRequiredService<HubDingTalkClients>().GetAsync(appName ?? "", cancellationToken).ConfigureAwait(false);
            var user = await client.Users.GetAsync(userId, cancellationToken).ConfigureAwait(false);
            return user.Name is { Length: > 0 } name ? name : userId;
        }
        catch (Exception ex) when (ex is DingTalkApiException or HttpRequestException or TimeoutException or HubAppNotFoundException)
        {
            // No contacts permission, not a member any more, DingTalk away: the page names the person by their userid.
            return userId;
        }
    }

    /// <summary>The card's title and its text lines as DingTalk shows them (plain), the separators and empty lines left out.</summary>
    internal static (string Title, IReadOnlyList<string> Facts) Read(string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            if (FeishuCardReader.Read(document.RootElement, out _, CardContent.DingTalk, DingTalkCardLinks.Schemes) is not { } card)
            {
                return (DingTalkCardRenderer.DefaultTitle, []);
            }

            var lines = card.Blocks.SelectMany(b => b.Plain.Split('\n')).Select(l => l.Trim())
                .Where(l => l.Length > 0 && l != LarkMarkdown.PlainSeparator)
                .Select(l => l.Length <= MaxFactChars ? l : l[..MaxFactChars] + "…").ToList();
            var title = card.Title is { } t && !string.IsNullOrWhiteSpace(t) ? t.Trim() : lines.FirstOrDefault() ?? DingTalkCardRenderer.DefaultTitle;
            return (title, lines.Count <= MaxFacts ? lines : [.. lines.Take(MaxFacts), "…"]);
        }
        catch (JsonException)
        {
            return (DingTalkCardRenderer.DefaultTitle, []);
        }
    }
}
