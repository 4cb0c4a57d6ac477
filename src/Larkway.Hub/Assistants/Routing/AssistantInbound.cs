using System.Text.Json;
using Larkway.Channels.Masking;
using Larkway.Channels.Messages;
using Larkway.Hub.Assistants.Answering;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// The assistant's side of a received message, run by the platform's bot once no bot command claimed it: the assistant
/// commands (<c>/new</c>, <c>/stop</c>, <c>/link</c>), the gate (bot-loop guard, group and direct-message rules, access,
/// strangers), then the question stored as a turn of the <c>assistant-replies</c> queue — unique per received message,
/// so a redelivery under any event id, or a second replica, never makes a second answer.
/// </summary>
internal sealed partial class AssistantInbound(
    AssistantRuntime runtime,
    AssistantIdentity identity,
    AssistantSessions sessions,
    AssistantLinking linking,
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    HubSecretProtector protector,
    WorkSignals signals,
    AssistantTelemetry telemetry,
    AssistantGroupReach groupReach,
    Attachments.AssistantAttachments attachments,
    AssistantFeedback feedback,
    TimeProvider time,
    IEnumerable<IAssistantAudiences> audiences,
    IEnumerable<Commands.IAssistantCommand> roomCommands) : Bots.IBotAssistant, IAssistantCustomers
{
    /// <summary>A command's view of the conversation holds at most this many answered turns, the newest.</summary>
    private const int MaxExchanges = 100;

    /// <summary>The assistant's own commands; the bot's registered commands run before the assistant sees anything else.</summary>
    public static readonly IReadOnlyList<string> Commands = ["new", "stop", "link"];

    /// <summary>
    /// <see cref="Commands"/> as <c>/help</c> lists them, on every platform alike: so they name no platform (a code of
    /// <c>/link</c> goes to whichever accounts the person linked before, <see cref="LinkCodeDelivery"/>).
    /// </summary>
    internal static readonly IReadOnlyList<(string Name, string? Usage, string Description)> HelpLines =
    [
        ("new", null, "Starts a new conversation: what you ask next does not continue the earlier one."),
        ("stop", null, "Stops the answer being written here."),
        ("link", "<email or code>", "Links this account to you in the directory: /link you@company.com sends a code to the accounts you already linked, /link 123456 enters it."),
    ];

    /// <inheritdoc />
    public Bots.UnmentionedGroupMessages UnmentionedGroupMessagesTaken(string app) => groupReach.For(app);

    /// <inheritdoc />
    public async Task<Bots.BotAssistantHelp?> HelpAsync(string app, CancellationToken cancellationToken)
    {
        if (await runtime.ForAppAsync(Apps.HubAppService.NameOnWire(app), cancellationToken).ConfigureAwait(false) is not { } loaded)
        {
            return null;
        }

        var also = new List<string>();
        foreach (var audience in audiences)
        {
            also.AddRange(await audience.DescribeAsync(app, cancellationToken).ConfigureAwait(false));
        }

        return new Bots.BotAssistantHelp(loaded.Definition.DisplayName, [.. HelpLines, .. roomCommands.Select(c => (c.Name, c.Usage, c.Description))]) { AlsoAnswers = also };
    }

    /// <inheritdoc />
    public Task<bool> TryRecordFeedbackAsync(Bots.BotAnswerFeedback vote, CancellationToken cancellationToken) => feedback.RecordAsync(vote, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> TryAcceptAsync(string app, InboundMessage message, Inbox.InboxArrival? arrival, string? replyContext, Func<string, string, CancellationToken, Task> reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reply);

        // The configured Feishu app's bot runs under the empty name; assistants name it "default".
        app = Apps.HubAppService.NameOnWire(app);
        var loaded = await runtime.ForAppAsync(app, cancellationToken).ConfigureAwait(false);
        if (loaded is null)
        {
            return false;
        }

        var assistant = loaded.Definition;
        var platform = AssistantKeys.Platform(message);
        var sender = await identity.SenderAsync(platform, app, message.Sender.Id, cancellationToken).ConfigureAwait(false);
        var decision = AssistantGate.Decide(assistant, message, sender);
        if (decision.Outcome == AssistantGateOutcome.Ignore)
        {
            return true;
        }

        if (TryCommand(message.Text, out var command, out var argument) || TryRoomCommand(message.Text, out command, out argument))
        {
            // /link is how a stranger gets in, so it runs whatever the gate said about strangers.
            if (command == "link")
            {
                var answer = await linking.RunAsync(assistant.DisplayName, platform, app, message.Sender.Id, sender.PersonId, argument, cancellationToken).ConfigureAwait(false);
                try
                {
                    await reply(answer.Text, "link", cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // Only now may a code asked for go out: before the reply, a known email and an unknown one look the same.
                    await linking.ReleaseAsync(answer, CancellationToken.None).ConfigureAwait(false);
                }

                return true;
            }

            if (decision.Outcome == AssistantGateOutcome.Answer && !AssistantGate.MayRun(assistant, command!, sender))
            {
                await reply($"You may not use /{command} with {assistant.DisplayName}.", "command-refused", cancellationToken).ConfigureAwait(false);
                return true;
            }
        }

        switch (decision.Outcome)
        {
            case AssistantGateOutcome.Refuse:
                telemetry.Refused(assistant.Name, platform);
                await reply(decision.Reason ?? $"{assistant.DisplayName} cannot answer you here.", "refused", cancellationToken).ConfigureAwait(false);
                return true;
            case AssistantGateOutcome.AskToLink:
                telemetry.Refused(assistant.Name, platform);
                await reply(linking.Instructions(assistant.DisplayName), "ask-to-link", cancellationToken).ConfigureAwait(false);
                return true;
        }

        var personId = decision.AsGuest ? null : sender.PersonId;
        var sessionKey = AssistantKeys.Session(assistant, message, personId, app);
        switch (command)
        {
            case "new":
                await sessions.EndAsync(assistant.Name, sessionKey, cancellationToken).ConfigureAwait(false);
                await reply("Started a new conversation: what you ask next does not continue the earlier one.", "new", cancellationToken).ConfigureAwait(false);
                return true;
            case "stop":
                var stopped = await StopLaneAsync(assistant.Name, AssistantKeys.Lane(message), cancellationToken).ConfigureAwait(false);
                if (stopped == 0)
                {
                    await reply("Nothing is being answered here right now.", "stop", cancellationToken).ConfigureAwait(false);
                }

                return true;
        }

        if (command is not null && roomCommands.FirstOrDefault(c => c.Name == command) is { } roomCommand)
        {
            await RunRoomCommandAsync(roomCommand, loaded, platform, app, personId, sessionKey, argument, reply, cancellationToken).ConfigureAwait(false);
            return true;
        }

        return await QueueAsync(loaded, app, message, personId, sessionKey, message.Conversation.Kind.ToString().ToLowerInvariant(), arrival, replyContext, reply, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> AnswersOnAsync(string app, CancellationToken cancellationToken) =>
        await runtime.ForAppAsync(Apps.HubAppService.NameOnWire(app), cancellationToken).ConfigureAwait(false) is not null;

    /// <inheritdoc />
    public async Task<bool> TryAcceptCustomerAsync(
        string app, InboundMessage message, string replyContext, Func<string, string, CancellationToken, Task> reply, CancellationToken cancellationToken,
        Func<HubDbContext, CancellationToken, Task>? storedWith = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reply);
        var loaded = await runtime.ForAppAsync(Apps.HubAppService.NameOnWire(app), cancellationToken).ConfigureAwait(false);
        if (loaded is null)
        {
            return false;
        }

        // A customer is nobody in the directory and cannot link: a guest of their own (account, customer) session, no
        // commands, no gate of members and groups — the account exists to answer them.
        var platform = AssistantKeys.Platform(message);
        var sessionKey = AssistantKeys.Guest(platform, app, message.Conversation.Id);
        return await QueueAsync(loaded, Apps.HubAppService.NameOnWire(app), message, null, sessionKey, Replies.AssistantReplyTarget.CustomerKind, null, replyContext, reply, cancellationToken,
            storedWith).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> IsAnsweringAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var lane = AssistantKeys.Lane(message);
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.AssistantTurns.AnyAsync(
                t => t.Lane == lane && (t.State == WorkState.Pending || t.State == WorkState.InProgress || t.State == WorkState.Retrying), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stores the question as a turn of the replies queue (once per message), or answers why it cannot be one.</summary>
    private async Task<bool> QueueAsync(
        LoadedAssistant loaded, string app, InboundMessage message, string? personId, string sessionKey, string conversationKind, Inbox.InboxArrival? arrival, string? replyContext,
        Func<string, string, CancellationToken, Task> reply, CancellationToken cancellationToken, Func<HubDbContext, CancellationToken, Task>? storedWith = null)
    {
        var assistant = loaded.Definition;
        var platform = AssistantKeys.Platform(message);
        var sendable = attachments.Sendable(platform, loaded.Backend, message.Attachments);
        if (string.IsNullOrWhiteSpace(message.Text) && sendable.Count == 0)
        {
            var notice = message.Attachments.Count == 0
                ? $"{assistant.DisplayName} reads text only for now; ask your question in words."
                : $"{assistant.DisplayName} cannot read {Attachments.AssistantAttachments.Describe(message.Attachments)} here; ask your question in words.";
            await reply(notice, "no-text", cancellationToken).ConfigureAwait(false);
            return true;
        }

        // A picture sent alone is still a question: the backend is told what came.
        var question = string.IsNullOrWhiteSpace(message.Text) ? Attachments.AssistantAttachments.QuestionFor(sendable) : message.Text;
        var masked = loaded.Masker.Mask(question, MaskingDirection.ToBackend, new PlaceholderMap());
        var session = await sessions.CurrentAsync(assistant.Name, sessionKey, personId, TimeSpan.FromHours(assistant.Sessions.TtlHours), cancellationToken).ConfigureAwait(false);
        var turn = new AssistantTurnRow
        {
            Assistant = assistant.Name,
            SessionId = session.Id,
            MessageKey = message.DedupKey,
            Lane = AssistantKeys.Lane(message),
            Platform = platform,
            App = app,
            ConversationId = message.Conversation.Id,
            ConversationKind = conversationKind,
            ThreadId = message.Conversation.ThreadId,
            MessageId = message.MessageId,
            SenderId = message.Sender.Id,
            PersonId = personId,
            Question = masked.Text,
            Placeholders = masked.Placeholders is { Count: > 0 } map ? protector.Protect(PlaceholderPairs.Write(map)) : null,
            ReplyContext = replyContext is null ? null : protector.Protect(replyContext),
            Attachments = sendable.Count == 0 ? null : protector.Protect(Attachments.AssistantAttachments.Write(sendable)),
            Status = AssistantTurnStatus.Queued,
            ReceivedAt = arrival?.ReceivedAt ?? message.ReceivedAt,
            SentAt = message.SentAt ?? arrival?.ReceivedAt ?? message.ReceivedAt,
            InboxEventId = arrival?.EventId,
            State = WorkState.Pending,
            NextAttemptAt = time.GetUtcNow(),
        };
        if (!await InsertAsync(turn, masked, storedWith, cancellationToken).ConfigureAwait(false))
        {
            telemetry.Duplicate(assistant.Name, platform);
            return true;
        }

        telemetry.Accepted(assistant.Name, platform);
        signals.For(AssistantAnswering.QueueName).Notify();
        return true;
    }

    /// <summary>Splits <c>/name argument</c> for the assistant's commands.</summary>
    /// <summary>Runs a room's command with the sender's conversation (answers masked toward the platform, as they were shown).</summary>
    private async Task RunRoomCommandAsync(
        Commands.IAssistantCommand command, LoadedAssistant loaded, string platform, string app, string? personId, string sessionKey, string argument,
        Func<string, string, CancellationToken, Task> reply, CancellationToken cancellationToken)
    {
        var assistant = loaded.Definition;
        var answered = await sessions.AnsweredAsync(assistant.Name, sessionKey, MaxExchanges, cancellationToken).ConfigureAwait(false);
        var exchanges = answered.Select(t => new Commands.AssistantExchange(t.Question, loaded.Masker.Mask(t.Answer, MaskingDirection.ToPlatform).Text, t.At)).ToList();
        var text = await command.RunAsync(new Commands.AssistantCommandRequest(assistant.Name, assistant.DisplayName, platform, app, personId, argument, exchanges), cancellationToken)
            .ConfigureAwait(false);
        await reply(text, command.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="text"/> is a command a room added (see <see cref="TryCommand"/>).</summary>
    private bool TryRoomCommand(string text, out string? command, out string argument)
    {
        command = null;
        argument = "";
        if (!text.StartsWith('/'))
        {
            return false;
        }

        var (name, rest) = Bots.BotArguments.SplitCommand(text);
        name = name.ToLowerInvariant();
        if (!roomCommands.Any(c => c.Name == name))
        {
            return false;
        }

        (command, argument) = (name, rest.Trim());
        return true;
    }

    internal static bool TryCommand(string text, out string? command, out string argument)
    {
        command = null;
        argument = "";
        if (!text.StartsWith('/'))
        {
            return false;
        }

        var (name, rest) = Bots.BotArguments.SplitCommand(text);
        if (!Commands.Contains(name.ToLowerInvariant()))
        {
            return false;
        }

        command = name.ToLowerInvariant();
        argument = rest;
        return true;
    }

    private async Task<bool> InsertAsync(AssistantTurnRow turn, MaskResult masked, Func<HubDbContext, CancellationToken, Task>? storedWith, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await db.AssistantTurns.AnyAsync(t => t.MessageKey == turn.MessageKey, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            var transaction = storedWith is null ? null : await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                db.AssistantTurns.Add(turn);
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
                {
                    // The same message through another replica or an earlier delivery, at the same moment.
                    return false;
                }

                if (transaction is not null)
                {
                    await storedWith!(db, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (transaction is not null)
                {
                    await transaction.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (masked.Audit.Count > 0)
            {
                foreach (var entry in masked.Audit)
                {
                    db.AssistantMaskAudit.Add(new AssistantMaskAuditRow
                    {
                        TurnId = turn.Id,
                        Direction = "to_backend",
                        Detector = entry.Detector,
                        Fingerprint = entry.Fingerprint,
                        At = time.GetUtcNow(),
                    });
                }

                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
    }

    private async Task<int> StopLaneAsync(string assistant, string lane, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.AssistantTurns
                .Where(t => t.Assistant == assistant && t.Lane == lane && (t.Status == AssistantTurnStatus.Queued || t.Status == AssistantTurnStatus.Answering))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.StopRequested, true), cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A turn's placeholders and their values as stored (protected): a JSON object, placeholder → value.</summary>
internal static class PlaceholderPairs
{
    public static string Write(PlaceholderMap map)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var placeholder in map.Placeholders)
        {
            if (map.TryGetValue(placeholder, out var value))
            {
                pairs[placeholder] = value;
            }
        }

        return JsonSerializer.Serialize(pairs, AssistantRoutingJson.Default.DictionaryStringString);
    }

    public static Dictionary<string, string> Read(string json) =>
        JsonSerializer.Deserialize(json, AssistantRoutingJson.Default.DictionaryStringString) ?? new(StringComparer.Ordinal);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AssistantRoutingJson : System.Text.Json.Serialization.JsonSerializerContext;
