using System.Globalization;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Bots;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Votes on answers (<c>assistant_feedback</c>), from any platform: a Feishu answer card's buttons
/// (<see cref="AssistantCardActions"/>) and WeCom's <c>feedback_event</c> on an AI bot stream that carried the answer's id.
/// One vote per user and answer, the last one wins; the same vote again — a double click, an event delivered twice —
/// changes nothing and is counted once in <c>larkway.hub.assistant.feedback</c>; a withdrawn vote is removed.
/// </summary>
internal sealed class AssistantFeedback(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    AssistantTelemetry telemetry,
    TimeProvider time)
{
    /// <summary>The turn an answer id (<c>turn-{id}</c>, <see cref="Replies.AssistantReplyTarget.AnswerId"/>) names.</summary>
    public static bool TryTurnId(string answerId, out long turnId)
    {
        turnId = 0;
        return answerId.StartsWith("turn-", StringComparison.Ordinal)
            && long.TryParse(answerId.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out turnId);
    }

    /// <summary>
    /// Stores <paramref name="feedback"/> on the answer it names, when that is an assistant's answer on the same platform,
    /// app and conversation; false (nothing stored) when it is not.
    /// </summary>
    public async Task<bool> RecordAsync(BotAnswerFeedback feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (!TryTurnId(feedback.AnswerId, out var turnId) || feedback.UserId.Length == 0)
        {
            return false;
        }

        var app = Apps.HubAppService.NameOnWire(feedback.App);
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var turn = await db.AssistantTurns.AsNoTracking()
                .FirstOrDefaultAsync(t => t.Id == turnId && t.Platform == feedback.Platform && t.App == app && t.ConversationId == feedback.ConversationId, cancellationToken)
                .ConfigureAwait(false);
            if (turn is null)
            {
                return false;
            }

            var value = feedback.Vote switch
            {
                BotAnswerVote.Helpful => AssistantFeedbackRow.Helpful,
                BotAnswerVote.NotHelpful => AssistantFeedbackRow.NotHelpful,
                _ => null,
            };
            await VoteAsync(db, turn, feedback.UserId, value, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>
    /// Who votes, as the feedback row names them: the person the platform account <paramref name="userId"/> is linked to
    /// (the asker's, as the turn recorded it, when they vote on their own answer), else <c>{platform}:{user id}</c> — so a
    /// person's votes read the same from every platform, and a bare platform id is never stored without its platform.
    /// </summary>
    private static async Task<string> VoterAsync(HubDbContext db, AssistantTurnRow turn, string userId, CancellationToken cancellationToken) =>
        (userId == turn.SenderId ? turn.PersonId : null)
            ?? await AssistantIdentity.PersonIdAsync(db, turn.Platform, turn.App, userId, cancellationToken).ConfigureAwait(false)
            ?? $"{turn.Platform}:{userId}";

    /// <summary>
    /// <paramref name="userId"/>'s vote <paramref name="value"/> (<see cref="AssistantFeedbackRow.Helpful"/>, <see cref="AssistantFeedbackRow.NotHelpful"/>; null:
    /// withdrawn) on <paramref name="turn"/>: stored, replacing a different one, or nothing when it is already the vote.
    /// </summary>
    public async Task VoteAsync(HubDbContext db, AssistantTurnRow turn, string userId, string? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(turn);
        var turnId = turn.Id;
        var user = await VoterAsync(db, turn, userId, cancellationToken).ConfigureAwait(false);
        if (value is null)
        {
            await db.AssistantFeedback.Where(f => f.TurnId == turnId && f.User == user).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var now = time.GetUtcNow();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // A different vote is replaced; the same one is left as it is.
            var changed = await db.AssistantFeedback.Where(f => f.TurnId == turnId && f.User == user && f.Value != value)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.Value, value).SetProperty(f => f.At, now), cancellationToken).ConfigureAwait(false);
            if (changed > 0)
            {
                telemetry.Feedback(turn.Assistant, value);
                return;
            }

            if (await db.AssistantFeedback.AnyAsync(f => f.TurnId == turnId && f.User == user, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var row = new AssistantFeedbackRow { TurnId = turnId, User = user, Value = value, At = now };
            db.AssistantFeedback.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                telemetry.Feedback(turn.Assistant, value);
                return;
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // Another vote of this user stored meanwhile (a double click): this one replaces it if it differs.
                db.Entry(row).State = EntityState.Detached;
            }
        }
    }
}
