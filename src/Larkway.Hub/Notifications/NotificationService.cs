using Larkway.Hub.Apps;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Units;

namespace Larkway.Hub.Notifications;

/// <summary>
/// The notifications room's application logic, apart from HTTP: a parsed request and its caller in, a typed outcome
/// out. The endpoints (<c>NotificationsApi.cs</c>) read and parse the body, run the <c>MaySend</c> policy and map the
/// outcome to a status; everything between — the app, the type's template, an earlier request, the recipients, the
/// store — is decided here, in the order the API promises.
/// </summary>
internal sealed class NotificationService(
    NotificationStore store,
    NotificationComposer composer,
    PlatformPieces<IRecipientExpander> expanders,
    HubAppRegistry apps,
    NotificationChannels channels,
    Routing.PersonRouter? router = null)
{
    /// <summary>The recipient kinds a request may name (<see cref="NotificationChannels.RecipientTypes"/>): what the API parses with.</summary>
    public IReadOnlyList<string> RecipientTypes => channels.RecipientTypes;

    /// <summary>
    /// Checks the app, renders the type's template, answers a repeat from the store, expands departments and emails,
    /// and stores the notification with one delivery per recipient.
    /// </summary>
    public async Task<NotificationSubmitResult> SubmitAsync(NotificationRequest request, HubCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var (problem, platform) = await PlatformProblemAsync(request, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return NotificationSubmitResult.Invalid([problem]);
        }

        var composed = await composer.ComposeAsync(request, forUpdate: false, cancellationToken).ConfigureAwait(false);
        if (composed.IsDisabled)
        {
            // Switched off by an administrator: accepted, so the caller does not retry, and not sent.
            return new NotificationSubmitResult(NotificationSubmitOutcome.Disabled);
        }

        if (composed.Request is null)
        {
            return NotificationSubmitResult.Invalid(composed.Problems);
        }

        if (OnPlatform(composed.Request, platform) is not { } onPlatform)
        {
            var others = channels.Platforms.Where(p => p != platform).Select(p => HubAppPlatform.Display(p)).ToList();
            return NotificationSubmitResult.Invalid([new("recipients",
                $"Nobody to send to on {HubAppPlatform.Display(platform)}: the type '{request.Type}' names only other platforms' recipients. "
                + $"Send {Either(channels.For(platform).RecipientTypes)} recipients in 'recipients', or set 'app' to a {string.Join(" or ", others)} app.")]);
        }

        composed = composed with { Request = onPlatform };

        // A retry of a stored request is answered from the store: no second lookup of its departments and emails.
        if (await store.FindExistingAsync(caller.Id, composed.Request, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return NotificationSubmitResult.Stored(earlier.Result, earlier.Recipients);
        }

        // People go to the platform each of them prefers (a person recipient, or the email of a person who prefers another platform).
        var (routed, routeProblems) = await RouteAsync(composed.Request, cancellationToken).ConfigureAwait(false);
        if (routeProblems.Count > 0)
        {
            return NotificationSubmitResult.Invalid(routeProblems);
        }

        // Whether each platform it goes to can show it is known now: a card one cannot render is refused here, not dead-lettered later.
        if (await RenderingProblemAsync(platform, routed.Select(r => r.App), onPlatform.ContentKind, onPlatform.Content, cancellationToken).ConfigureAwait(false) is { } unrenderable)
        {
            return NotificationSubmitResult.Invalid([unrenderable]);
        }

        // Departments become people and emails are looked up now, so the recipient list is settled when stored.
        var expanded = await ExpandAsync(request.App ?? "", routed, cancellationToken).ConfigureAwait(false);
        if (expanded.Unavailable)
        {
            return new NotificationSubmitResult(NotificationSubmitOutcome.PlatformUnavailable) { Failure = expanded.Failure };
        }

        if (expanded.Problems.Count > 0)
        {
            return NotificationSubmitResult.Invalid(expanded.Problems);
        }

        var complete = composed.Request with { Recipients = expanded.Recipients };
        var created = await store.CreateAsync(caller.Id, complete, cancellationToken).ConfigureAwait(false);
        return NotificationSubmitResult.Stored(created, complete.Recipients.Count);
    }

    /// <summary>The recipients as each platform that settles its own left them (<see cref="IRecipientExpander"/>), stopping at the first refusal.</summary>
    private async Task<ExpandResult> ExpandAsync(string appName, IReadOnlyList<NotificationRecipient> recipients, CancellationToken cancellationToken)
    {
        var expanded = new ExpandResult(recipients, []);
        foreach (var expander in expanders.Each)
        {
            expanded = await expander.ExpandAsync(appName, expanded.Recipients, cancellationToken).ConfigureAwait(false);
            if (expanded.Unavailable || expanded.Problems.Count > 0)
            {
                break;
            }
        }

        return expanded;
    }

    /// <summary>
    /// Each <c>person</c> recipient as the route to their first platform; an email as such a route when it names a directory
    /// person whose order starts with another platform than Feishu (else it stays an email, sent as before).
    /// </summary>
    private async Task<(IReadOnlyList<NotificationRecipient> Recipients, IReadOnlyList<NotificationProblem> Problems)> RouteAsync(NotificationRequest request, CancellationToken cancellationToken)
    {
        var recipients = request.Recipients;
        if (router is null || !recipients.Any(r => r.Type is NotificationRequest.PersonRecipient or "email"))
        {
            return (recipients, []);
        }

        // One query for the people, one for the emails, one batch for what routing them needs: not a round trip per recipient.
        var byId = await router.FindManyAsync([.. recipients.Where(r => r.Type == NotificationRequest.PersonRecipient).Select(r => r.Value)], cancellationToken).ConfigureAwait(false);
        var byEmail = await router.FindByEmailsAsync([.. recipients.Where(r => r.Type == "email").Select(r => r.Value)], cancellationToken).ConfigureAwait(false);
        var batch = await router.BatchAsync([.. byId.Values, .. byEmail.Values], request.App, cancellationToken).ConfigureAwait(false);

        var problems = new List<NotificationProblem>();
        var routed = new List<NotificationRecipient>(recipients.Count);
        for (var i = 0; i < recipients.Count; i++)
        {
            var recipient = recipients[i];
            var person = recipient.Type switch
            {
                NotificationRequest.PersonRecipient => byId.GetValueOrDefault(recipient.Value),
                "email" => byEmail.GetValueOrDefault(recipient.Value),
                _ => null,
            };
            if (recipient.Type == NotificationRequest.PersonRecipient && person is null)
            {
                problems.Add(new($"recipients[{i}].person", $"The directory has no person '{recipient.Value}'. Look people up with GET /api/v1/directory/people?email=…"));
                continue;
            }

            // An email whose person is first reached on the notification's own platform stays an email where that platform's
            // channel takes emails (it finds the person itself); without an own platform (no app named, no default app) it is routed.
            if (person is null || (recipient.Type == "email" && batch.OwnPlatform is { } own && batch.FirstPlatform(person, request.Type) == own
                && channels.For(own).RecipientTypes.Contains("email")))
            {
                if (person is null && batch.OwnPlatform is null)
                {
                    problems.Add(new($"recipients[{i}].email", $"The directory has no active person with the email '{recipient.Value}', and this Hub has no default app to send to an address: sync the directory, or set 'app' to the app that sends."));
                    continue;
                }

                routed.Add(recipient);
                continue;
            }

            var (route, why, skipped) = Routing.PersonRouter.First(person, request.Type, batch);
            if (route is null)
            {
                if (recipient.Type == "email" && batch.OwnPlatform is not null)
                {
                    // Nowhere else to go: the address is sent to by the notification's own app as before.
                    routed.Add(recipient);
                }
                else
                {
                    problems.Add(new($"recipients[{i}].{recipient.Type}", why!));
                }

                continue;
            }

            // The platforms skipped on the way, then the one it goes to (its outcome is the delivery's status).
            routed.Add(new NotificationRecipient(route.RecipientType, route.Recipient)
            {
                PersonId = person.Id,
                App = route.App,
                PlatformsTried = Routing.RouteStep.Write([.. skipped, new Routing.RouteStep(route.Platform)]),
            });
        }

        return (routed, problems);
    }

    /// <summary>
    /// Why the request's app cannot send it: the app is unusable, or a recipient is another platform's (each platform's
    /// channel names the recipient types its apps send to). Null when it can; with the app's platform.
    /// </summary>
    private async Task<(NotificationProblem? Problem, string Platform)> PlatformProblemAsync(NotificationRequest request, CancellationToken cancellationToken)
    {
        var app = request.App is { } name ? await apps.FindAsync(name, cancellationToken).ConfigureAwait(false) : null;
        var platform = HubAppPlatform.Of(app?.Platform);
        if (request.App is { } appName && app is not { Enabled: true, Error: null }
            && await apps.WhyUnusableAsync(appName, cancellationToken).ConfigureAwait(false) is { } unusable)
        {
            return (new("app", unusable), platform);
        }

        // Without a default app only people (by id, or by an email the directory knows) can go out unnamed: routing picks each one's app.
        if (request.App is null && !apps.HasDefaultApp
            && request.Recipients.ToList().FindIndex(r => r.Type is not (NotificationRequest.PersonRecipient or "email")) is var unnamed and >= 0)
        {
            var type = request.Recipients[unnamed].Type;
            return (new($"recipients[{unnamed}].{type}",
                $"This Hub has no default app (it runs with stored apps only), so a {type} recipient needs the app that sends it: set 'app' to the {HubAppPlatform.Display(channels.PlatformOfRecipient(type))} app added to the Hub, or send to people ('person' or 'email')."), platform);
        }

        var channel = channels.For(platform);
        var index = request.Recipients.ToList().FindIndex(r => r.Type != NotificationRequest.PersonRecipient && !channel.RecipientTypes.Contains(r.Type));
        if (index < 0)
        {
            return (null, platform);
        }

        var recipient = request.Recipients[index];
        var field = $"recipients[{index}].{recipient.Type}";
        var owner = channels.PlatformOfRecipient(recipient.Type);
        return (request.App is null || app is null
            ? new(field, $"{recipient.Type} is a {HubAppPlatform.Display(owner)} recipient: set 'app' to a {HubAppPlatform.Display(owner)} app added to the Hub.")
            : new(field, $"'{request.App}' is a {HubAppPlatform.Display(platform)} app: it sends to {Either(channel.RecipientTypes)}, not to {recipient.Type}."), platform);
    }

    /// <summary>
    /// Why the content cannot be shown on one of the platforms it goes to — the app's, and those of the apps people are
    /// routed to — asked of each platform's channel; null when every one can show it.
    /// </summary>
    private async Task<NotificationProblem?> RenderingProblemAsync(string platform, IEnumerable<string?> routedApps, string contentKind, string content, CancellationToken cancellationToken)
    {
        var platforms = new List<string> { platform };
        foreach (var name in routedApps.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var routedPlatform = HubAppPlatform.Of((await apps.FindAsync(name, cancellationToken).ConfigureAwait(false))?.Platform);
            if (!platforms.Contains(routedPlatform))
            {
                platforms.Add(routedPlatform);
            }
        }

        foreach (var each in platforms)
        {
            if (channels.Find(each)?.WhyUnrenderable(contentKind, content) is { } why)
            {
                return new NotificationProblem("card", $"This notification cannot be shown on {HubAppPlatform.Display(each)}: {why}");
            }
        }

        return null;
    }

    /// <summary>Recipient types as a sentence lists them: "a or b", "a, b or c".</summary>
    private static string Either(IReadOnlyList<string> types) =>
        types.Count <= 1 ? string.Concat(types) : string.Join(", ", types.Take(types.Count - 1)) + " or " + types[^1];

    /// <summary>
    /// The composed request with only the recipients its app's platform can reach, or null when none is left. The caller's
    /// own were checked already; a type's may be another platform's (the procurement pack names approvers by email, which
    /// DingTalk and WeCom do not take as a Feishu email), and a type serves every platform, so those are left out rather
    /// than sent to fail.
    /// </summary>
    private NotificationRequest? OnPlatform(NotificationRequest composed, string platform)
    {
        var types = channels.For(platform).RecipientTypes;
        var reachable = composed.Recipients.Where(r => r.Type == NotificationRequest.PersonRecipient || types.Contains(r.Type)).ToList();
        return reachable.Count == composed.Recipients.Count ? composed
            : reachable.Count == 0 ? null
            : composed with { Recipients = reachable };
    }

    /// <summary>
    /// What the type's template finds wrong with a request that has other problems too (a draft from
    /// <see cref="NotificationRequest.Parse(ReadOnlySpan{byte}, string?, List{NotificationProblem}, out NotificationRequest?)"/>):
    /// its data's gaps and the card they make; nothing is stored or looked up.
    /// </summary>
    public async Task<IReadOnlyList<NotificationProblem>> CheckTypeContentAsync(NotificationRequest draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var composed = await composer.ComposeAsync(draft, forUpdate: true, checkOnly: true, cancellationToken).ConfigureAwait(false);

        // The recipients' count is judged once the request's own recipients are readable; the parser has spoken on them.
        return [.. composed.Problems.Where(p => p.Field != "recipients")];
    }

    /// <summary>Notifications listed with their deliveries: <see cref="DefaultListLimit"/> when no limit is given.</summary>
    public const int DefaultListLimit = 50;

    /// <summary>A page of the caller's notifications (every caller's for the admin), newest first, and the cursor of the next page.</summary>
    public async Task<(IReadOnlyList<(NotificationRow Notification, IReadOnlyList<NotificationDeliveryRow> Deliveries)> Items, string? Next)> ListAsync(
        HubCaller caller, NotificationFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var items = await store.ListAsync(caller.IsAdmin ? null : caller.Id, filter, limit, cancellationToken).ConfigureAwait(false);
        return (items, items.Count == limit ? items[^1].Notification.Id : null);
    }

    /// <summary>The notification with its deliveries and card clicks, or null when it does not exist or the caller does not own it.</summary>
    public async Task<NotificationDetails?> GetAsync(string id, HubCaller caller, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, caller, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return null;
        }

        var actions = await store.ListActionsAsync(id, cancellationToken).ConfigureAwait(false);
        return found with { Actions = actions };
    }

    /// <summary>
    /// The notification and its deliveries (no card clicks), or null when it does not exist or the caller does not own
    /// it: another caller's notification is reported as missing, not as forbidden, so ids cannot be probed.
    /// </summary>
    public async Task<NotificationDetails?> FindAsync(string id, HubCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } found && caller.Owns(found.Notification.Caller)
            ? new NotificationDetails(found.Notification, found.Deliveries, [])
            : null;
    }

    /// <summary>
    /// Replaces the card of a notification the caller owns (found with <see cref="FindAsync"/>) and queues every message
    /// already sent for an update in place. Content from the type's template (<paramref name="contentKind"/> is
    /// <see cref="NotificationRequest.FromType"/>) is rendered from <paramref name="data"/> first.
    /// </summary>
    public async Task<NotificationUpdateResult> UpdateContentAsync(
        NotificationDetails notification, string contentKind, string? content, string? data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var (kind, card, newData) = (contentKind, content, (string?)null);
        if (kind == NotificationRequest.FromType)
        {
            var row = notification.Notification;
            var recipients = notification.Deliveries.Select(d => new NotificationRecipient(d.RecipientType, d.Recipient)).ToList();
            var composed = await composer.ComposeAsync(
                new NotificationRequest(row.Type, row.IdempotencyKey, kind, "", recipients, "") { Data = data! }, forUpdate: true, cancellationToken).ConfigureAwait(false);
            if (composed.Request is null)
            {
                return new NotificationUpdateResult(NotificationUpdateOutcome.Invalid, Problems: composed.Problems);
            }

            (kind, card, newData) = (composed.Request.ContentKind, composed.Request.Content, data);
        }

        var app = notification.Notification.App is { } appName ? await apps.FindAsync(appName, cancellationToken).ConfigureAwait(false) : null;
        if (await RenderingProblemAsync(HubAppPlatform.Of(app?.Platform), notification.Deliveries.Select(d => d.App), kind, card!, cancellationToken).ConfigureAwait(false) is { } unrenderable)
        {
            return new NotificationUpdateResult(NotificationUpdateOutcome.Invalid, Problems: [unrenderable]);
        }

        return await store.UpdateContentAsync(notification.Notification.Id, kind, card!, newData, cancellationToken).ConfigureAwait(false) is { } updated
            ? new NotificationUpdateResult(NotificationUpdateOutcome.Updated, updated.Version, updated.Updating)
            : new NotificationUpdateResult(NotificationUpdateOutcome.NotFound);
    }

    /// <summary>
    /// Queues the failed deliveries of a notification the caller owns again (same uuids: nothing posted twice); how many,
    /// or null when it does not exist or the caller does not own it.
    /// </summary>
    public async Task<int?> RetryAsync(string id, HubCaller caller, CancellationToken cancellationToken) =>
        await FindAsync(id, caller, cancellationToken).ConfigureAwait(false) is null
            ? null
            : await store.RetryFailedAsync(id, cancellationToken).ConfigureAwait(false);
}

/// <summary>What became of a submitted notification; the endpoint gives each its status code.</summary>
internal enum NotificationSubmitOutcome
{
    /// <summary>Stored and queued, one delivery per recipient.</summary>
    Queued,

    /// <summary>A repeat of a stored request (same caller, key and content): the stored one is answered.</summary>
    Repeated,

    /// <summary>The idempotency key was used for a different notification (<see cref="NotificationSubmitResult.Id"/>).</summary>
    KeyReused,

    /// <summary>The type is switched off: accepted and not sent.</summary>
    Disabled,

    /// <summary>The request cannot be sent as it is (<see cref="NotificationSubmitResult.Problems"/>).</summary>
    Invalid,

    /// <summary>A platform did not answer a lookup the recipients needed (<see cref="NotificationSubmitResult.Failure"/>); nothing was stored.</summary>
    PlatformUnavailable,
}

/// <summary>The outcome of <see cref="NotificationService.SubmitAsync"/>: the notification's id and recipients, or the problems.</summary>
internal sealed record NotificationSubmitResult(
    NotificationSubmitOutcome Outcome, string? Id = null, int Recipients = 0, IReadOnlyList<NotificationProblem>? Problems = null)
{
    /// <summary>What is wrong with the request (empty unless <see cref="NotificationSubmitOutcome.Invalid"/>).</summary>
    public IReadOnlyList<NotificationProblem> Problems { get; } = Problems ?? [];

    /// <summary>The platform's failure when <see cref="NotificationSubmitOutcome.PlatformUnavailable"/>.</summary>
    public Platform.Http.PlatformFailure? Failure { get; init; }

    public static NotificationSubmitResult Invalid(IReadOnlyList<NotificationProblem> problems) => new(NotificationSubmitOutcome.Invalid, Problems: problems);

    /// <summary>The store's answer: created, an earlier identical request, or a key used for another one.</summary>
    public static NotificationSubmitResult Stored(NotificationCreateResult result, int recipients) => result.Status switch
    {
        NotificationCreateStatus.Created => new(NotificationSubmitOutcome.Queued, result.Id, recipients),
        NotificationCreateStatus.Existing => new(NotificationSubmitOutcome.Repeated, result.Id, recipients),
        _ => new(NotificationSubmitOutcome.KeyReused, result.Id, recipients),
    };
}

/// <summary>A notification as its caller may see it: its row, its deliveries and (when asked for) the clicks on its card.</summary>
internal sealed record NotificationDetails(NotificationRow Notification, IReadOnlyList<NotificationDeliveryRow> Deliveries, IReadOnlyList<NotificationActionRow> Actions);

/// <summary>What became of a content update.</summary>
internal enum NotificationUpdateOutcome
{
    /// <summary>Stored as a new version; the messages already sent are queued for an update.</summary>
    Updated,

    /// <summary>The new content cannot be used (<see cref="NotificationUpdateResult.Problems"/>).</summary>
    Invalid,

    /// <summary>The notification was gone by the time the update was stored.</summary>
    NotFound,
}

/// <summary>The outcome of <see cref="NotificationService.UpdateContentAsync"/>: the content's new version and how many sent messages will be updated.</summary>
internal sealed record NotificationUpdateResult(NotificationUpdateOutcome Outcome, int Version = 0, int Updating = 0, IReadOnlyList<NotificationProblem>? Problems = null)
{
    /// <summary>What is wrong with the new content (empty unless <see cref="NotificationUpdateOutcome.Invalid"/>).</summary>
    public IReadOnlyList<NotificationProblem> Problems { get; } = Problems ?? [];
}
