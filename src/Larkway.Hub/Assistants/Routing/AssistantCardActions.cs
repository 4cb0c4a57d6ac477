using Larkway.Channels.Rendering;
using Larkway.Hub.Assistants.Answering;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Bots;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Clicks on an answer's buttons: helpful / not helpful are stored (<see cref="AssistantFeedback"/>: one value per person
/// and answer, the last click wins); regenerate — also the retry button of a failed or interrupted answer — asks the same question again as a new
/// turn, once per click (a redelivered click finds its turn already made). Only the asker may regenerate. A click on an
/// answer retention deleted, or Regenerate on a question whose personal data's values it erased, gets a toast saying so.
/// </summary>
internal sealed partial class AssistantCardActions(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    WorkSignals signals,
    AssistantTelemetry telemetry,
    AssistantFeedback votes,
    HubSecretProtector protector,
    TimeProvider time,
    ILogger<AssistantCardActions> logger)
{
    /// <summary>
    /// The action of an answer's Helpful / Not helpful buttons on any platform: the button's value adds
    /// <c>feedback</c> (<c>helpful</c>, <c>not_helpful</c>) and <c>answer_id</c> (<c>turn-{id}</c>).
    /// </summary>
    public const string FeedbackAction = FeishuStreamingCard.FeedbackAction;

    /// <summary>The action of an answer's Regenerate button on any platform: the button's value adds <c>answer_id</c>.</summary>
    public const string RegenerateAction = FeishuStreamingCard.RegenerateAction;

    /// <summary>Whether <paramref name="action"/> is one of an answer card's buttons.</summary>
    public static bool Handles(string action) => action is FeishuStreamingCard.FeedbackAction or FeishuStreamingCard.RegenerateAction;

    /// <summary>Handles a click on an answer card's feedback or regenerate button.</summary>
    public async Task<CardClickAnswer?> HandleAsync(BotCardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!FeishuStreamingCard.TryReadFeedback(context.Value, out var feedback, out var answerId) || !AssistantFeedback.TryTurnId(answerId, out var turnId)
            || context.OperatorId is not { Length: > 0 } clicker)
        {
            return CardClickAnswer.WithToast(CardToastKind.Warning, "This button belongs to an answer the Hub does not know.");
        }

        // An answer is the turn of the platform it was clicked on.
        var platform = context.Platform.Name;
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var turn = await db.AssistantTurns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == turnId && t.Platform == platform, cancellationToken).ConfigureAwait(false);
            if (turn is null)
            {
                // The Hub's own card names it, so it was deleted: past Larkway:Assistants:TurnRetention, or with its assistant.
                return CardClickAnswer.WithToast(CardToastKind.Info, NoLongerKept);
            }

            // A click from another chat than the answer's is not this answer's.
            if (context.ChatId is { Length: > 0 } chat && chat != turn.ConversationId)
            {
                return CardClickAnswer.WithToast(CardToastKind.Warning, "This button belongs to an answer the Hub does not know.");
            }

            if (feedback == AnswerFeedback.Regenerate)
            {
                telemetry.Feedback(turn.Assistant, AssistantFeedbackRow.Regenerate);
                return await RegenerateAsync(db, turn, clicker, context, cancellationToken).ConfigureAwait(false);
            }

            await votes.VoteAsync(db, turn, clicker, feedback == AnswerFeedback.Helpful ? AssistantFeedbackRow.Helpful : AssistantFeedbackRow.NotHelpful, cancellationToken)
                .ConfigureAwait(false);
            return CardClickAnswer.WithToast(CardToastKind.Success, feedback == AnswerFeedback.Helpful ? "Thanks: glad it helped." : "Thanks: this helps improve the answers.");
        }
    }

    private async Task<CardClickAnswer> RegenerateAsync(HubDbContext db, AssistantTurnRow turn, string clicker, BotCardContext context, CancellationToken cancellationToken)
    {
        if (turn.SenderId != clicker)
        {
            return CardClickAnswer.WithToast(CardToastKind.Info, "Only the person who asked can regenerate this answer.");
        }

        if (turn.Placeholders is null && turn.PlaceholdersErasedAt is not null)
        {
            // Asked again without them, the answer would show "[PHONE_1]" where the asker's own number was.
            return CardClickAnswer.WithToast(CardToastKind.Info, PersonalDataErased);
        }

        var click = context.ClickId;
        var again = new AssistantTurnRow
        {
            Assistant = turn.Assistant,
            SessionId = turn.SessionId,
            MessageKey = $"{turn.MessageKey}/regenerate/{click}",
            Lane = turn.Lane,
            Platform = turn.Platform,
            App = turn.App,
            ConversationId = turn.ConversationId,
            ConversationKind = turn.ConversationKind,
            ThreadId = turn.ThreadId,
            MessageId = turn.MessageId,
            SenderId = turn.SenderId,
            PersonId = turn.PersonId,
            Question = turn.Question,
            Placeholders = turn.Placeholders,
            Attachments = turn.Attachments,

            // The question's own reply payload was cleared when it ended; the click's says where the new answer goes.
            ReplyContext = context.ReplyContext is { } reply ? protector.Protect(reply) : null,
            Status = AssistantTurnStatus.Queued,
            ReceivedAt = time.GetUtcNow(),
            SentAt = time.GetUtcNow(),
            State = WorkState.Pending,
            NextAttemptAt = time.GetUtcNow(),
        };
        if (again.MessageKey.Length > 400)
        {
            again.MessageKey = $"{turn.MessageKey[..Math.Min(turn.MessageKey.Length, 300)]}/regenerate/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(click)))[..40]}";
        }

        db.AssistantTurns.Add(again);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            signals.For(AssistantAnswering.QueueName).Notify();
        }
        catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
        {
            // The same click delivered again: its answer is already on the way.
        }
        catch (DbUpdateException ex)
        {
            LogFailed(logger, ex, turn.Id);
            return CardClickAnswer.WithToast(CardToastKind.Error, "The answer could not be regenerated just now; try again.");
        }

        return CardClickAnswer.WithToast(CardToastKind.Info, "Answering again…");
    }

    /// <summary>The toast for a click on an answer the Hub deleted (<see cref="AssistantOptions.TurnRetention"/>).</summary>
    internal const string NoLongerKept = "This answer is no longer kept by the Hub (old conversations are deleted); ask your question again if you still need it.";

    /// <summary>The toast for Regenerate on a question whose personal data's values were erased (<see cref="AssistantOptions.PlaceholderRetention"/>).</summary>
    internal const string PersonalDataErased = "This question held personal data or files that the Hub keeps only for a short while, so it cannot be asked again from here; ask your question again.";

    [LoggerMessage(EventId = LogEvents.AssistantFeedbackFailed, Level = LogLevel.Warning, Message = "Regenerating the answer of turn {TurnId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, long turnId);
}

/// <summary>Wires the assistant's answer buttons into the bot's card actions.</summary>
internal static class AssistantCardActionsRegistration
{
    /// <summary>Clicks on answers' feedback and regenerate buttons go to <paramref name="handler"/>.</summary>
    public static BotCardActions AddAssistantCards(this BotCardActions actions, AssistantCardActions handler) =>
        actions.Add(FeishuStreamingCard.FeedbackAction, handler.HandleAsync).Add(FeishuStreamingCard.RegenerateAction, handler.HandleAsync);
}
