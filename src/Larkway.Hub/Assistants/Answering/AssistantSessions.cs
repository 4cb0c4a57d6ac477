using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Assistants.Answering;

/// <summary>
/// An assistant's sessions by key: the current one (neither ended nor expired), a new one when there is none — the key's
/// next number, unique, so two replicas starting one at once make one —, and <c>/new</c>'s end.
/// </summary>
internal sealed class AssistantSessions(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
{
    private const int MaxRounds = 3;

    /// <summary>The session <paramref name="key"/> continues in, started when there is none or the last one ended or expired.</summary>
    public async Task<AssistantSessionRow> CurrentAsync(string assistant, string key, string? personId, TimeSpan ttl, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var now = time.GetUtcNow();
                var last = await db.AssistantSessions.Where(s => s.Assistant == assistant && s.Key == key)
                    .OrderByDescending(s => s.Number).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (last is { EndedAt: null } && last.ExpiresAt > now)
                {
                    return last;
                }

                if (last is { EndedAt: null })
                {
                    last.EndedAt = last.ExpiresAt;
                }

                var next = new AssistantSessionRow
                {
                    Assistant = assistant,
                    Key = key,
                    Number = (last?.Number ?? 0) + 1,
                    PersonId = personId,
                    CreatedAt = now,
                    LastActiveAt = now,
                    ExpiresAt = now + ttl,
                };
                db.AssistantSessions.Add(next);
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return next;
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex) && round < MaxRounds)
                {
                    // Another replica started it first: read theirs.
                }
                catch (DbUpdateConcurrencyException) when (round < MaxRounds)
                {
                    // The expired session being ended was deleted meanwhile (AssistantRetention): read the key's sessions again.
                }
            }
        }
    }

    /// <summary>
    /// The answered turns of <paramref name="key"/>'s current session, oldest first, at most the <paramref name="max"/>
    /// newest: the answers as stored (masked for storage). Empty when the session ended, expired or has none.
    /// </summary>
    public async Task<IReadOnlyList<(string Question, string Answer, DateTimeOffset At)>> AnsweredAsync(string assistant, string key, int max, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            var current = await db.AssistantSessions.Where(s => s.Assistant == assistant && s.Key == key)
                .OrderByDescending(s => s.Number).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (current is not { EndedAt: null } || current.ExpiresAt <= now)
            {
                return [];
            }

            var turns = await db.AssistantTurns.AsNoTracking()
                .Where(t => t.SessionId == current.Id && t.Status == AssistantTurnStatus.Answered && t.Answer != null)
                .OrderByDescending(t => t.Id).Take(max)
                .Select(t => new { t.Question, t.Answer, t.FinishedAt, t.ReceivedAt })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. turns.AsEnumerable().Reverse().Select(t => (t.Question, t.Answer!, t.FinishedAt ?? t.ReceivedAt))];
        }
    }

    /// <summary>Ends <paramref name="key"/>'s current session (<c>/new</c>); true when there was one.</summary>
    public async Task<bool> EndAsync(string assistant, string key, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            return await db.AssistantSessions.Where(s => s.Assistant == assistant && s.Key == key && s.EndedAt == null && s.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    /// <summary>Records an answered turn: the backend's conversation, the history an OpenAI-compatible backend needs, and the new expiry.</summary>
    public async Task TouchAsync(long sessionId, string? backendConversationId, string? history, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            await db.AssistantSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(
                s => s.SetProperty(x => x.BackendConversationId, x => backendConversationId ?? x.BackendConversationId)
                    .SetProperty(x => x.History, x => history ?? x.History)
                    .SetProperty(x => x.Turns, x => x.Turns + 1)
                    .SetProperty(x => x.LastActiveAt, now)
                    .SetProperty(x => x.ExpiresAt, now + ttl),
                cancellationToken).ConfigureAwait(false);
        }
    }
}
