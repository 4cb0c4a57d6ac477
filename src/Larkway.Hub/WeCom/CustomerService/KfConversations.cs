using Larkway.Hub.Platform;
using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.Channels.Messages;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Larkway.WeCom;
using Larkway.WeCom.CustomerService;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// Acts on an account's stored items in the order WeCom gave them, each once (its route written when done): a customer's
/// message goes to the assistant — the session taken from untreated (0 → 1) first — unless a person holds it (2, 3), or it
/// is handed to people (<see cref="HandoverTrigger"/>: to the account's receptionist, else WeCom's queue); events keep the session's
/// state (taken, transferred, ended, rejoined), answer a welcome or end code with the account's message, and mark a
/// message WeCom could not deliver or that was recalled.
/// </summary>
internal sealed partial class KfConversations(
    IDbContextFactory<HubDbContext> contexts,
    HubSecretProtector protector,
    KfSessions sessions,
    KfSender sender,
    KfTelemetry telemetry,
    HubWeComClients clients,
    IOptions<KfOptions> options,
    IAssistantCustomers? assistant,
    ILogger<KfConversations> logger)
{
    /// <summary>
    /// Acts on every waiting item of <paramref name="account"/>: each customer's in WeCom's order, several customers at once
    /// (<see cref="KfOptions.ActConcurrency"/>). True when some were left waiting because the assistant is still answering
    /// their customer (the caller looks again soon).
    /// </summary>
    public async Task<bool> ActOnWaitingAsync(KfAccountRow account, WeComCustomerServiceClient client, CancellationToken cancellationToken)
    {
        // Customers whose previous answer is still coming: their items wait, in order, to go to the assistant together.
        var busy = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        while (true)
        {
            List<KfMessageRow> waiting;
            var held = busy.Keys.ToList();
            var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                waiting = await db.Set<KfMessageRow>().AsNoTracking()
                    .Where(m => m.App == account.App && m.OpenKfId == account.OpenKfId && m.Route == KfRoutes.Waiting && (m.ExternalUserId == null || !held.Contains(m.ExternalUserId)))
                    .OrderBy(m => m.Id).Take(BatchSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            }

            if (waiting.Count == 0)
            {
                return !busy.IsEmpty;
            }

            // Order matters within a customer's conversation only; events that name no customer keep theirs too.
            var conversations = waiting.GroupBy(m => m.ExternalUserId ?? "", StringComparer.Ordinal).Select(g => new KfBatch([.. g], busy));
            await Parallel.ForEachAsync(conversations, new ParallelOptions { MaxDegreeOfParallelism = options.Value.ActConcurrency, CancellationToken = cancellationToken },
                async (batch, ct) => await ActOnConversationAsync(account, client, batch, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    /// <summary>Items acted on per read of the waiting ones.</summary>
    private const int BatchSize = 200;

    /// <summary>Acts on one customer's waiting items in order, until they are done or the customer is waiting for an answer.</summary>
    private async Task ActOnConversationAsync(KfAccountRow account, WeComCustomerServiceClient client, KfBatch batch, CancellationToken cancellationToken)
    {
        foreach (var item in batch.Waiting)
        {
            if (batch.Routed.Contains(item.Id))
            {
                continue;
            }

            if (await ActAsync(account, client, item, batch, cancellationToken).ConfigureAwait(false) is not { } route)
            {
                // Busy: the rest of this customer's items wait with it.
                return;
            }

            var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                await db.Set<KfMessageRow>().Where(m => m.Id == item.Id && m.Route == KfRoutes.Waiting)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Route, route), cancellationToken).ConfigureAwait(false);
            }

            if (item.Origin == KfOrigins.Customer)
            {
                telemetry.Routed(account.App, route);
            }
        }
    }

    /// <summary>One conversation's waiting items (a customer's, or the events that name none), those routed with another, the busy customers.</summary>
    private sealed record KfBatch(List<KfMessageRow> Waiting, ConcurrentDictionary<string, bool> Busy)
    {
        public HashSet<long> Routed { get; } = [];
    }

    /// <summary>Acts on <paramref name="item"/>; its route, or null when it is left waiting.</summary>
    private async Task<string?> ActAsync(KfAccountRow account, WeComCustomerServiceClient client, KfMessageRow item, KfBatch batch, CancellationToken cancellationToken)
    {
        var fields = KfItems.Read(item.Content is { } c ? protector.Unprotect(c) : null);
        return item.Origin switch
        {
            KfOrigins.Customer when item.ExternalUserId is { } customer => await CustomerWroteAsync(account, client, item, customer, fields, batch, cancellationToken).ConfigureAwait(false),
            KfOrigins.Receptionist when item.ExternalUserId is { } customer =>
                await Done(sessions.SetStateAsync(account.App, account.OpenKfId, customer, WeComKfServiceState.Receptionist, item.ServicerUserId, handover: false, cancellationToken)).ConfigureAwait(false),
            KfOrigins.System => await EventAsync(account, item, fields, cancellationToken).ConfigureAwait(false),
            _ => KfRoutes.Done,
        };
    }

    private async Task<string?> CustomerWroteAsync(
        KfAccountRow account, WeComCustomerServiceClient client, KfMessageRow item, string customer, KfItem fields, KfBatch batch, CancellationToken cancellationToken)
    {
        var session = await sessions.CustomerWroteAsync(account.App, account.OpenKfId, customer, item.SentAt, cancellationToken).ConfigureAwait(false);
        if (!account.Enabled || assistant is null || !await assistant.AnswersOnAsync(account.App, cancellationToken).ConfigureAwait(false))
        {
            // Nobody to answer: the session is left as WeCom has it (untreated), for WeCom's own routing and its people.
            return KfRoutes.Unanswered;
        }

        if (KfSessions.HeldByPeople(session.State))
        {
            // A receptionist has the customer, or the customer waits for one: the assistant says nothing.
            return KfRoutes.People;
        }

        var text = fields.Text ?? "";
        if (HandoverTrigger(account, session, text, fields.String("menu_id")) is { } trigger)
        {
            await HandOverAsync(account, client, customer, item.MsgId, trigger, cancellationToken).ConfigureAwait(false);
            return KfRoutes.Handover;
        }

        if (await assistant.IsAnsweringAsync(Inbound(account, item, customer, text), cancellationToken).ConfigureAwait(false))
        {
            // Answering this message now would spend one of WeCom's five messages on it while the customer's next question
            // waits: it goes with whatever else they write meanwhile, once the answer before it is out.
            batch.Busy[customer] = true;
            return null;
        }

        if (session.State != (int)WeComKfServiceState.Assistant && !await TakeAsync(account, client, customer, cancellationToken).ConfigureAwait(false))
        {
            return KfRoutes.People;
        }

        // A burst (several messages before any answer) is one question: one answer covers it, within WeCom's budget.
        var burst = Burst(account, session, (item, text), customer, batch.Waiting);
        if (burst.Count > 1)
        {
            await sessions.CustomerWroteAsync(account.App, account.OpenKfId, customer, burst[^1].Row.SentAt, cancellationToken).ConfigureAwait(false);
        }

        var message = Inbound(account, item, customer, string.Join("\n", burst.Select(b => b.Text.Trim())));
        var context = JsonSerializer.Serialize(new KfReplyContext(account.OpenKfId, customer), KfJson.Default.KfReplyContext);
        var ids = burst.Select(b => b.Row.Id).ToList();
        var accepted = await assistant.TryAcceptCustomerAsync(account.App, message, context,
            (notice, key, ct) => sender.SendAsync(account.App, account.OpenKfId, customer, notice, $"{item.MsgId}:{key}", ct), cancellationToken,
            storedWith: (db, ct) => db.Set<KfMessageRow>().Where(m => ids.Contains(m.Id) && m.Route == KfRoutes.Waiting)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Route, KfRoutes.Assistant), ct)).ConfigureAwait(false);
        if (!accepted)
        {
            return KfRoutes.Unanswered;
        }

        foreach (var (row, _) in burst.Skip(1))
        {
            batch.Routed.Add(row.Id);
            telemetry.Routed(account.App, KfRoutes.Assistant);
        }

        await sessions.CountAnswerAsync(session.Id, cancellationToken).ConfigureAwait(false);
        return KfRoutes.Assistant;
    }

    /// <summary>
    /// <paramref name="first"/> (with its text, already read) and the customer's messages after it in
    /// <paramref name="waiting"/>, up to the first item of theirs that is not a plain message (an event, a receptionist's
    /// message, a hand-over asked for).
    /// </summary>
    private List<(KfMessageRow Row, string Text)> Burst(KfAccountRow account, KfSessionRow session, (KfMessageRow Row, string Text) first, string customer, List<KfMessageRow> waiting)
    {
        var burst = new List<(KfMessageRow, string)> { first };
        foreach (var row in waiting.Where(m => m.Id > first.Row.Id && m.ExternalUserId == customer))
        {
            var fields = KfItems.Read(row.Content is { } content ? protector.Unprotect(content) : null);
            if (row.Origin != KfOrigins.Customer || fields.Text is not { } text || HandoverTrigger(account, session, text, fields.String("menu_id")) is not null)
            {
                break;
            }

            burst.Add((row, text));
        }

        return burst;
    }

    /// <summary>A customer's message as the assistant takes it: one conversation per account and customer, deduplicated by the msgid.</summary>
    private static InboundMessage Inbound(KfAccountRow account, KfMessageRow item, string customer, string text) => new()
    {
        Platform = ChannelPlatform.WeCom,
        App = new ChannelApp(account.App),
        Conversation = new ChannelConversation(ConversationOf(account.OpenKfId, customer), ConversationKind.Direct),
        Sender = new ChannelSender(customer),
        Text = text.Trim(),
        PlatformMessageType = item.Type,
        MessageId = item.MsgId,
        ReceivedAt = item.StoredAt,
        SentAt = item.SentAt,
        DedupKey = InboundMessage.DedupKeyFor(ChannelPlatform.WeCom, account.App, $"kf:{account.OpenKfId}:{item.MsgId}"),
    };

    /// <summary>
    /// What hands this message's customer to people, or null: the hand-over button, one of the hand-over words, or the
    /// account's rule (the assistant has answered its number of messages in this session).
    /// </summary>
    internal static string? HandoverTrigger(KfAccountRow account, KfSessionRow session, string text, string? menuId) =>
        menuId == KfSender.HandoverMenuId && account.HandoverButton is not null ? KfHandoverTriggers.Menu
        : AsksForPerson(account, text) ? KfHandoverTriggers.Words
        : account.HandoverAfterAnswers > 0 && session.State == (int)WeComKfServiceState.Assistant && session.Answers >= account.HandoverAfterAnswers ? KfHandoverTriggers.AnswerLimit
        : null;

    /// <summary>The assistant takes an untreated session (0 → 1); false when WeCom says a person has it meanwhile.</summary>
    private async Task<bool> TakeAsync(KfAccountRow account, WeComCustomerServiceClient client, string customer, CancellationToken cancellationToken)
    {
        try
        {
            await client.TransferAsync(account.OpenKfId, customer, WeComKfServiceState.Assistant, cancellationToken: cancellationToken).ConfigureAwait(false);
            await sessions.SetStateAsync(account.App, account.OpenKfId, customer, WeComKfServiceState.Assistant, null, handover: false, cancellationToken, movedBecause: "assistant").ConfigureAwait(false);
            return true;
        }
        catch (WeComApiException ex) when (ex.Code is WeComErrorCodes.KfTransitionRefused or WeComErrorCodes.KfSessionEnded)
        {
            // The Hub's view was behind (a receptionist took the customer, or the Hub took the session before a crash): ask WeCom.
            var now = await client.GetSessionAsync(account.OpenKfId, customer, cancellationToken).ConfigureAwait(false);
            LogMoveRefused(logger, account.OpenKfId, account.App, ex.Code, (int)now.State);
            await sessions.SetStateAsync(account.App, account.OpenKfId, customer, now.State, now.ServicerUserId, handover: false, cancellationToken).ConfigureAwait(false);
            return now.State == WeComKfServiceState.Assistant;
        }
    }

    /// <summary>The text a backend writes in an answer to hand the customer to people (removed before the answer is sent); null: none.</summary>
    public string? HandoverSignal => options.Value.HandoverSignal is { Length: > 0 } signal ? signal : null;

    /// <summary>
    /// The assistant's answer hands the customer to people (<paramref name="trigger"/>: its backend failed, or its answer
    /// carried the hand-over signal), unless the account is off or people already have them.
    /// </summary>
    public async Task HandOverFromAnswerAsync(string app, string openKfId, string customer, string answerId, string trigger, CancellationToken cancellationToken)
    {
        KfAccountRow? account;
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            account = await db.Set<KfAccountRow>().AsNoTracking().SingleOrDefaultAsync(a => a.App == app && a.OpenKfId == openKfId, cancellationToken).ConfigureAwait(false);
        }

        var session = await sessions.GetAsync(app, openKfId, customer, cancellationToken).ConfigureAwait(false);
        if (account is not { Enabled: true } || KfSessions.HeldByPeople(session.State) || session.State == (int)WeComKfServiceState.Ended)
        {
            return;
        }

        var client = (await clients.GetAsync(app, cancellationToken).ConfigureAwait(false)).CustomerService;
        await HandOverAsync(account, client, customer, $"{trigger}-{answerId}", trigger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hands the customer to the account's receptionist (3), else (none, or not receiving) to WeCom's queue (2), and tells them.</summary>
    private async Task HandOverAsync(KfAccountRow account, WeComCustomerServiceClient client, string customer, string msgId, string trigger, CancellationToken cancellationToken)
    {
        string? code;
        var state = account.HandoverTo is null ? WeComKfServiceState.Queued : WeComKfServiceState.Receptionist;
        try
        {
            code = await client.TransferAsync(account.OpenKfId, customer, state, account.HandoverTo, cancellationToken).ConfigureAwait(false);
        }
        catch (WeComApiException ex) when (state == WeComKfServiceState.Receptionist
            && ex.Code is WeComErrorCodes.KfNotAServicer or WeComErrorCodes.KfServicerStopped or WeComErrorCodes.KfTransitionRefused)
        {
            LogMoveRefused(logger, account.OpenKfId, account.App, ex.Code, (int)state);
            state = WeComKfServiceState.Queued;
            code = await client.TransferAsync(account.OpenKfId, customer, state, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await sessions.SetStateAsync(account.App, account.OpenKfId, customer, state, account.HandoverTo, handover: true, cancellationToken, movedBecause: "handover", trigger)
            .ConfigureAwait(false);
        if (account.HandoverMessage is { Length: > 0 } text)
        {
            // The move's code sends outside the budget; without one, a budgeted message.
            if (code is null || !await sender.SendOnEventAsync(account.App, account.OpenKfId, customer, code, text, cancellationToken).ConfigureAwait(false))
            {
                await sender.SendAsync(account.App, account.OpenKfId, customer, text, $"handover:{msgId}", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> EventAsync(KfAccountRow account, KfMessageRow item, KfItem fields, CancellationToken cancellationToken)
    {
        var customer = item.ExternalUserId;
        switch (item.Type)
        {
            case WeComKfEventTypes.EnterSession when customer is not null:
                if (account.Enabled && (account.WelcomeMessage is { Length: > 0 } || account.HandoverButton is not null) && fields.String("welcome_code") is { } welcomeCode)
                {
                    await sender.SendOnEventAsync(account.App, account.OpenKfId, customer, welcomeCode, account.WelcomeMessage ?? "", cancellationToken, account.HandoverButton)
                        .ConfigureAwait(false);
                }

                break;
            case WeComKfEventTypes.SessionStatusChange when customer is not null:
                var change = fields.Number("change_type");
                if (change == 3)
                {
                    await sessions.SetStateAsync(account.App, account.OpenKfId, customer, WeComKfServiceState.Ended, null, handover: false, cancellationToken).ConfigureAwait(false);
                    if (account.Enabled && account.EndMessage is { Length: > 0 } end && fields.String("msg_code") is { } endCode)
                    {
                        await sender.SendOnEventAsync(account.App, account.OpenKfId, customer, endCode, end, cancellationToken).ConfigureAwait(false);
                    }
                }
                else if (change is 1 or 2 or 4)
                {
                    // Taken from the queue, transferred, or rejoined: a receptionist has the customer.
                    await sessions.SetStateAsync(account.App, account.OpenKfId, customer, WeComKfServiceState.Receptionist, fields.String("new_servicer_userid"), handover: false, cancellationToken)
                        .ConfigureAwait(false);
                }

                break;
            case WeComKfEventTypes.MessageSendFailed when fields.String("fail_msgid") is { } failed:
                await MarkAsync(account, failed, m => m.SetProperty(r => r.FailType, fields.Number("fail_type") ?? 0), cancellationToken).ConfigureAwait(false);
                LogDeliveryFailed(logger, account.OpenKfId, account.App, WeComKfFailTypes.Describe(fields.Number("fail_type")));
                telemetry.SendRefused(account.App, "msg_send_fail");
                break;
            case WeComKfEventTypes.UserRecall or WeComKfEventTypes.ServicerRecall when fields.String("recall_msgid") is { } recalled:
                await MarkAsync(account, recalled, m => m.SetProperty(r => r.Recalled, true), cancellationToken).ConfigureAwait(false);
                break;
        }

        return KfRoutes.Done;
    }

    private async Task MarkAsync(KfAccountRow account, string msgId, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<KfMessageRow>> set, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.Set<KfMessageRow>().Where(m => m.App == account.App && m.OpenKfId == account.OpenKfId && m.MsgId == msgId)
                .ExecuteUpdateAsync(set, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when <paramref name="text"/> is, or holds, one of the account's hand-over words.</summary>
    internal static bool AsksForPerson(KfAccountRow account, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var words = KfAccountSettings.ReadWords(account.HandoverWords);
        return words.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The conversation id of a customer's session with an account, as turns and lanes keep it.</summary>
    internal static string ConversationOf(string openKfId, string customer) => $"{openKfId}:{customer}";

    private static async Task<string> Done(Task task)
    {
        await task.ConfigureAwait(false);
        return KfRoutes.Done;
    }

    [LoggerMessage(EventId = LogEvents.WeComKfMoveRefused, Level = LogLevel.Information,
        Message = "WeCom customer service {OpenKfId} on {App}: a session move was refused ({Code}); the session is in state {State}.")]
    private static partial void LogMoveRefused(ILogger logger, string openKfId, string app, string code, int state);

    [LoggerMessage(EventId = LogEvents.WeComKfDeliveryFailed, Level = LogLevel.Warning,
        Message = "WeCom customer service {OpenKfId} on {App}: a message the Hub sent did not reach the customer ({Reason}).")]
    private static partial void LogDeliveryFailed(ILogger logger, string openKfId, string app, string reason);
}

/// <summary>A customer turn's reply context: the account and the customer.</summary>
internal sealed record KfReplyContext(
    [property: System.Text.Json.Serialization.JsonPropertyName("open_kfid")] string OpenKfId,
    [property: System.Text.Json.Serialization.JsonPropertyName("external_userid")] string ExternalUserId);

[System.Text.Json.Serialization.JsonSerializable(typeof(KfReplyContext))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(KfAccountInput))]
[System.Text.Json.Serialization.JsonSerializable(typeof(KfAccountInfo))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Larkway.Hub.Platform.Http.ListPage<KfAccountInfo>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Larkway.Hub.Platform.Http.ListPage<KfSessionInfo>))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class KfJson : System.Text.Json.Serialization.JsonSerializerContext;
