using System.Text.Json;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Hub.Assistants;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Bots;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Hub.Tests.Assistants;

/// <summary>
/// The assistants' retention job on a real database of each provider, on a manual clock: placeholders' values erased after
/// PlaceholderRetention (the text kept), turns deleted after TurnRetention with their feedback, nothing still in the queue
/// touched, sessions with no turn left deleted, a backlog worked off in batches, and the answer buttons of what it erased
/// or deleted answering with a toast that says so.
/// </summary>
public abstract class AssistantRetentionTests
{
    private const string Assistant = "helpdesk";
    private const string Protected = "dp1:the-protected-placeholder-values";

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Placeholder_values_are_erased_once_PlaceholderRetention_has_passed_since_the_turn_ended_and_the_text_stays()
    {
        await using var hub = await RetentionHub.StartAsync(await CreateDatabaseAsync());
        var now = hub.Time.GetUtcNow();
        var recent = await hub.AddTurnAsync("recent", finishedAt: now - TimeSpan.FromHours(2));
        var older = await hub.AddTurnAsync("older", finishedAt: now - TimeSpan.FromHours(25));
        var none = await hub.AddTurnAsync("none", finishedAt: now - TimeSpan.FromHours(25), placeholders: null);

        (await hub.Retention.PruneAsync(CancellationToken.None)).ShouldBe(new AssistantRetentionRun(1, 0, 0));
        var erased = await hub.TurnAsync(older);
        erased.Placeholders.ShouldBeNull();
        erased.PlaceholdersErasedAt.ShouldBe(now);
        erased.Question.ShouldBe("My mobile is [PHONE_1] (older)", "the masked question stays");
        erased.Answer.ShouldBe("Call [PHONE_1] back.");
        (await hub.TurnAsync(recent)).Placeholders.ShouldBe(Protected, "ended 2 hours ago: within the day");
        (await hub.TurnAsync(none)).PlaceholdersErasedAt.ShouldBeNull("a question without personal data had nothing to erase");

        // A day after the recent one ended, its values go too.
        hub.Time.Advance(TimeSpan.FromHours(23));
        (await hub.Retention.PruneAsync(CancellationToken.None)).ShouldBe(new AssistantRetentionRun(1, 0, 0));
        var later = await hub.TurnAsync(recent);
        later.Placeholders.ShouldBeNull();
        later.PlaceholdersErasedAt.ShouldBe(hub.Time.GetUtcNow());
        (await hub.TurnAsync(older)).PlaceholdersErasedAt.ShouldBe(now, "erased once");
        (await hub.CountTurnsAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task Turns_ended_longer_ago_than_TurnRetention_are_deleted_with_their_feedback_and_masking_audit()
    {
        await using var hub = await RetentionHub.StartAsync(await CreateDatabaseAsync(), o => o.TurnRetention = TimeSpan.FromDays(7));
        var now = hub.Time.GetUtcNow();
        var old = await hub.AddTurnAsync("old", finishedAt: now - TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        var kept = await hub.AddTurnAsync("kept", finishedAt: now - TimeSpan.FromDays(6));
        await hub.AddFeedbackAndAuditAsync(old);
        await hub.AddFeedbackAndAuditAsync(kept);

        var run = await hub.Retention.PruneAsync(CancellationToken.None);
        run.TurnsDeleted.ShouldBe(1);
        await using (var db = await hub.DbAsync())
        {
            (await db.AssistantTurns.Select(t => t.Id).ToListAsync()).ShouldBe([kept]);
            (await db.AssistantFeedback.Select(f => f.TurnId).ToListAsync()).ShouldBe([kept]);
            (await db.AssistantMaskAudit.Select(a => a.TurnId).ToListAsync()).ShouldBe([kept]);
        }

        // Exactly 7 days after it ended it is still kept; a moment later it is not.
        hub.Time.Advance(TimeSpan.FromDays(1));
        (await hub.Retention.PruneAsync(CancellationToken.None)).TurnsDeleted.ShouldBe(0);
        hub.Time.Advance(TimeSpan.FromMilliseconds(1));
        (await hub.Retention.PruneAsync(CancellationToken.None)).TurnsDeleted.ShouldBe(1);
        (await hub.CountTurnsAsync()).ShouldBe(0);
        await using (var db = await hub.DbAsync())
        {
            (await db.AssistantFeedback.CountAsync()).ShouldBe(0);
        }
    }

    [Fact]
    public async Task A_turn_still_queued_answering_retrying_or_replayed_is_never_deleted_nor_erased_however_old()
    {
        await using var hub = await RetentionHub.StartAsync(await CreateDatabaseAsync());
        var longAgo = hub.Time.GetUtcNow() - TimeSpan.FromDays(3000);
        var waiting = new[]
        {
            await hub.AddTurnAsync("queued", null, AssistantTurnStatus.Queued, WorkState.Pending, receivedAt: longAgo),
            await hub.AddTurnAsync("answering", null, AssistantTurnStatus.Answering, WorkState.InProgress, receivedAt: longAgo),
            await hub.AddTurnAsync("retrying", null, AssistantTurnStatus.Queued, WorkState.Retrying, receivedAt: longAgo),

            // Dead-lettered mid-answer (the worker kept dying): a replay would close its reply, so it is not ended.
            await hub.AddTurnAsync("dead-mid-answer", null, AssistantTurnStatus.Answering, WorkState.DeadLetter, receivedAt: longAgo),

            // Failed long ago, then replayed: pending again until the queue closes it.
            await hub.AddTurnAsync("replayed", longAgo, AssistantTurnStatus.Failed, WorkState.Pending, receivedAt: longAgo),
        };
        var ended = await hub.AddTurnAsync("ended", longAgo, AssistantTurnStatus.Failed, WorkState.DeadLetter, receivedAt: longAgo);

        // Only the dead-lettered failed turn had ended; the one dead-lettered mid-answer is kept for a replay, but its values
        // go once TurnRetention has passed since it arrived.
        (await hub.Retention.PruneAsync(CancellationToken.None)).ShouldBe(new AssistantRetentionRun(2, 1, 0));
        await using var db = await hub.DbAsync();
        var left = await db.AssistantTurns.AsNoTracking().OrderBy(t => t.Id).ToListAsync();
        left.Select(t => t.Id).ShouldBe(waiting);
        left.Where(t => t.State != WorkState.DeadLetter).ShouldAllBe(t => t.Placeholders == Protected && t.PlaceholdersErasedAt == null);
        left.Single(t => t.State == WorkState.DeadLetter).Placeholders.ShouldBeNull();
        left.ShouldNotContain(t => t.Id == ended);
    }

    [Fact]
    public async Task A_turn_dead_lettered_before_it_ended_keeps_its_values_until_TurnRetention_has_passed_since_it_arrived()
    {
        await using var hub = await RetentionHub.StartAsync(await CreateDatabaseAsync(), o => o.TurnRetention = TimeSpan.FromDays(7));
        var now = hub.Time.GetUtcNow();
        var stuck = new[]
        {
            await hub.AddTurnAsync("dead-answering", null, AssistantTurnStatus.Answering, WorkState.DeadLetter, receivedAt: now - TimeSpan.FromDays(6)),
            await hub.AddTurnAsync("dead-queued", null, AssistantTurnStatus.Queued, WorkState.DeadLetter, receivedAt: now - TimeSpan.FromDays(6)),
        };

        (await hub.Retention.PruneAsync(CancellationToken.None)).ShouldBe(new AssistantRetentionRun(0, 0, 0), "within a week of arriving: a replay may still need them");
        hub.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMilliseconds(1));
        (await hub.Retention.PruneAsync(CancellationToken.None)).ShouldBe(new AssistantRetentionRun(2, 0, 0), "erased, never deleted: still not ended");
        foreach (var id in stuck)
        {
            var turn = await hub.TurnAsync(id);
            turn.Placeholders.ShouldBeNull();
            turn.PlaceholdersErasedAt.ShouldBe(hub.Time.GetUtcNow());
        }

        (await hub.Retention.PruneAsync(CancellationToken.None)).ShouldBe(new AssistantRetentionRun(0, 0, 0), "erased once");
    }

    [Fact]
    public async Task A_backlog_of_more_rows_than_one_batch_is_worked_off_in_one_run()
    {
        await using var hub = await RetentionHub.StartAsync(await CreateDatabaseAsync());
        var now = hub.Time.GetUtcNow();
        const int ToDelete = (AssistantRetention.BatchSize * 2) + 500, ToErase = AssistantRetention.BatchSize + 200, Sessions = AssistantRetention.BatchSize + 100;
        await using (var db = await hub.DbAsync())
        {
            for (var i = 0; i < Sessions; i++)
            {
                db.AssistantSessions.Add(Session($"person:per_{i}", now - TimeSpan.FromDays(40), expiresAt: now - TimeSpan.FromDays(33)));
            }

            for (var i = 0; i < ToDelete; i++)
            {
                db.AssistantTurns.Add(Turn($"delete-{i}", now - TimeSpan.FromDays(31) - TimeSpan.FromSeconds(i)));
            }

            for (var i = 0; i < ToErase; i++)
            {
                db.AssistantTurns.Add(Turn($"erase-{i}", now - TimeSpan.FromDays(2) - TimeSpan.FromSeconds(i)));
            }

            await db.SaveChangesAsync();
        }

        // The deleted turns' values are erased first (they ended longer ago than a day too), then the turns go.
        var run = await hub.Retention.PruneAsync(CancellationToken.None);
        run.ShouldBe(new AssistantRetentionRun(ToDelete + ToErase, ToDelete, Sessions));
        await using (var db = await hub.DbAsync())
        {
            (await db.AssistantTurns.CountAsync()).ShouldBe(ToErase);
            (await db.AssistantTurns.CountAsync(t => t.Placeholders != null)).ShouldBe(0);
            (await db.AssistantSessions.CountAsync()).ShouldBe(0);
        }

        (await hub.Retention.PruneAsync(CancellationToken.None)).ShouldBe(default, "nothing was left for a second run");
    }

    [Fact]
    public async Task Sessions_that_ended_or_expired_with_no_turn_left_are_deleted_and_no_others()
    {
        await using var hub = await RetentionHub.StartAsync(await CreateDatabaseAsync());
        var now = hub.Time.GetUtcNow();
        long current, justExpired, withTurn;
        await using (var db = await hub.DbAsync())
        {
            var rows = new[]
            {
                Session("person:per_expired", now - TimeSpan.FromDays(9), expiresAt: now - TimeSpan.FromHours(2)),
                Session("person:per_new", now - TimeSpan.FromDays(1), expiresAt: now + TimeSpan.FromDays(6), endedAt: now - TimeSpan.FromHours(2)),
                Session("person:per_current", now - TimeSpan.FromDays(1), expiresAt: now + TimeSpan.FromDays(60)),
                Session("person:per_just", now - TimeSpan.FromDays(7), expiresAt: now - TimeSpan.FromMinutes(30)),
                Session("person:per_turn", now - TimeSpan.FromDays(20), expiresAt: now - TimeSpan.FromDays(13)),
            };
            db.AssistantSessions.AddRange(rows);
            await db.SaveChangesAsync();
            (current, justExpired, withTurn) = (rows[2].Id, rows[3].Id, rows[4].Id);
        }

        await hub.AddTurnAsync("in-session", now - TimeSpan.FromDays(20) - TimeSpan.FromMinutes(1), session: withTurn);

        // The expired one and the one /new ended go; the one that expired half an hour ago waits out the hour's grace.
        (await hub.Retention.PruneAsync(CancellationToken.None)).SessionsDeleted.ShouldBe(2);
        (await hub.SessionIdsAsync()).ShouldBe([current, justExpired, withTurn]);

        // Ten days on, its turn is past the 30 days: the turn goes, then its session in the same run.
        hub.Time.Advance(TimeSpan.FromDays(10));
        var run = await hub.Retention.PruneAsync(CancellationToken.None);
        run.TurnsDeleted.ShouldBe(1);
        run.SessionsDeleted.ShouldBe(2);
        (await hub.SessionIdsAsync()).ShouldBe([current], "the current session stays however long it has had no turn");
        (await hub.CountTurnsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Link_codes_are_deleted_once_they_expired_longer_ago_than_the_hour_they_count_toward_limits_and_no_others()
    {
        await using var hub = await RetentionHub.StartAsync(await CreateDatabaseAsync());
        var now = hub.Time.GetUtcNow();
        await using (var db = await hub.DbAsync())
        {
            db.People.Add(new global::Larkway.Hub.Directory.PersonRow { Id = "per_carol", TenantKey = "tenant", Name = "Carol", Status = global::Larkway.Hub.Directory.PersonStatus.Active, CreatedAt = now, UpdatedAt = now });
            db.PersonLinkCodes.AddRange(
                LinkCode("old", "per_carol", now - TimeSpan.FromHours(3)),
                LinkCode("old-decoy", null, now - TimeSpan.FromHours(3)),
                LinkCode("counting", "per_carol", now - TimeSpan.FromMinutes(50)),
                LinkCode("open", null, now - TimeSpan.FromMinutes(5)));

            // Their deliveries: one sent three hours ago, one still waiting since then (its worker kept failing), one sent now.
            var waiting = LinkDelivery("2", now - TimeSpan.FromHours(3));
            waiting.State = WorkState.Retrying;
            db.WorkItems.AddRange(LinkDelivery("1", now - TimeSpan.FromHours(3)), waiting, LinkDelivery("4", now - TimeSpan.FromMinutes(5)));
            await db.SaveChangesAsync();
        }

        // Asked three hours ago, expired two hours and fifty minutes ago: gone, with or without a person; so is the ended delivery.
        var run = await hub.Retention.PruneAsync(CancellationToken.None);
        run.LinkCodesDeleted.ShouldBe(2);
        run.LinkCodeDeliveriesDeleted.ShouldBe(1);
        (await LinkCodeUsersAsync(hub)).ShouldBe(["counting", "open"], "still counting toward the hour's limit, or still open");
        await using (var db = await hub.DbAsync())
        {
            (await db.WorkItems.Where(w => w.Queue == LinkCodeDelivery.QueueName).OrderBy(w => w.Key).Select(w => w.Key).ToListAsync())
                .ShouldBe(["2", "4"], "one not ended, however old; one recent");
        }

        // An hour and ten minutes on, both expired over an hour ago.
        hub.Time.Advance(TimeSpan.FromMinutes(70));
        (await hub.Retention.PruneAsync(CancellationToken.None)).LinkCodesDeleted.ShouldBe(2);
        (await LinkCodeUsersAsync(hub)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Buttons_of_an_answer_whose_values_were_erased_or_that_was_deleted_get_a_toast_saying_so_and_change_nothing()
    {
        await using var hub = await RetentionHub.StartAsync(await CreateDatabaseAsync());
        var now = hub.Time.GetUtcNow();
        var masked = await hub.AddTurnAsync("masked", finishedAt: now - TimeSpan.FromDays(2));
        var plain = await hub.AddTurnAsync("plain", finishedAt: now - TimeSpan.FromDays(2), placeholders: null);
        var old = await hub.AddTurnAsync("old", finishedAt: now - TimeSpan.FromDays(31));
        var actions = hub.Services.GetRequiredService<AssistantCardActions>();

        // Before retention ran, Regenerate asks the masked question again (with its values).
        (await ToastAsync(actions, Regenerate(masked, "ev_before"))).ShouldBe("Answering again…");
        await using (var db = await hub.DbAsync())
        {
            (await db.AssistantTurns.SingleAsync(t => t.MessageKey.EndsWith("/regenerate/ev_before"))).Placeholders.ShouldBe(Protected);
        }

        await hub.Retention.PruneAsync(CancellationToken.None);
        var turns = await hub.CountTurnsAsync();

        (await ToastAsync(actions, Regenerate(masked, "ev_erased"))).ShouldBe(AssistantCardActions.PersonalDataErased);
        (await ToastAsync(actions, Regenerate(old, "ev_deleted"))).ShouldBe(AssistantCardActions.NoLongerKept);
        (await ToastAsync(actions, Feedback(old, "helpful"))).ShouldBe(AssistantCardActions.NoLongerKept);
        (await hub.CountTurnsAsync()).ShouldBe(turns, "no turn was made");
        await using (var db = await hub.DbAsync())
        {
            (await db.AssistantFeedback.CountAsync()).ShouldBe(0);
        }

        // What retention left alone still works: votes on the erased one, Regenerate on the one that had no personal data.
        (await ToastAsync(actions, Feedback(masked, "helpful"))).ShouldBe("Thanks: glad it helped.");
        (await ToastAsync(actions, Regenerate(plain, "ev_plain"))).ShouldBe("Answering again…");
        (await hub.CountTurnsAsync()).ShouldBe(turns + 1);
    }

    private static async Task<string?> ToastAsync(AssistantCardActions actions, BotCardContext click) =>
        (await actions.HandleAsync(click, CancellationToken.None))?.Toast?.Text;

    private static BotCardContext Regenerate(long turn, string eventId) =>
        Click(eventId, $$"""{"action":"assistant.regenerate","answer_id":"turn-{{turn}}"}""");

    private static BotCardContext Feedback(long turn, string value) =>
        Click("ev_feedback_" + turn, $$"""{"action":"assistant.feedback","feedback":"{{value}}","answer_id":"turn-{{turn}}"}""");

    private static BotCardContext Click(string eventId, string value)
    {
        using var document = JsonDocument.Parse(value);
        var e = new CardActionTriggerEvent
        {
            Operator = new CardActionOperator { OpenId = "ou_alice" },
            Action = new CardAction { Tag = "button", Value = document.RootElement.Clone() },
            Context = new CardActionContext { OpenChatId = "oc_alice", OpenMessageId = "om_card" },
        };
        return global::Larkway.Hub.Feishu.FeishuCardClicks.Read("default", e, eventId);
    }

    private static global::Larkway.Hub.Directory.Links.PersonLinkCodeRow LinkCode(string userId, string? personId, DateTimeOffset createdAt) => new()
    {
        PersonId = personId,
        Platform = "dingtalk",
        App = "default",
        UserId = userId,
        CodeHash = new string('0', 64),
        CreatedAt = createdAt,
        ExpiresAt = createdAt + TimeSpan.FromMinutes(10),
    };

    /// <summary>A link code's delivery item that ended (Done) at <paramref name="createdAt"/>.</summary>
    private static WorkItemRow LinkDelivery(string key, DateTimeOffset createdAt)
    {
        var item = WorkItemRow.Create(LinkCodeDelivery.QueueName, key, createdAt);
        item.State = WorkState.Done;
        return item;
    }

    private static async Task<List<string>> LinkCodeUsersAsync(RetentionHub hub)
    {
        await using var db = await hub.DbAsync();
        return await db.PersonLinkCodes.OrderBy(c => c.UserId).Select(c => c.UserId).ToListAsync();
    }

    private static AssistantSessionRow Session(string key, DateTimeOffset createdAt, DateTimeOffset expiresAt, DateTimeOffset? endedAt = null) => new()
    {
        Assistant = Assistant,
        Key = key,
        Number = 1,
        CreatedAt = createdAt,
        LastActiveAt = createdAt,
        ExpiresAt = expiresAt,
        EndedAt = endedAt,
    };

    private static AssistantTurnRow Turn(
        string name, DateTimeOffset? finishedAt, string status = AssistantTurnStatus.Answered, WorkState state = WorkState.Done,
        string? placeholders = Protected, DateTimeOffset? receivedAt = null, long? session = null)
    {
        var received = receivedAt ?? (finishedAt ?? DateTimeOffset.UnixEpoch) - TimeSpan.FromSeconds(10);
        return new AssistantTurnRow
        {
            Assistant = Assistant,
            SessionId = session,
            MessageKey = $"feishu:default:om_{name}",
            Lane = "feishu:default:oc_alice",
            Platform = "feishu",
            App = "default",
            ConversationId = "oc_alice",
            ConversationKind = "direct",
            MessageId = $"om_{name}",
            SenderId = "ou_alice",
            Question = $"My mobile is [PHONE_1] ({name})",
            Placeholders = placeholders,
            Answer = finishedAt is null ? null : "Call [PHONE_1] back.",
            Status = status,
            State = state,
            ReceivedAt = received,
            SentAt = received,
            StartedAt = finishedAt is null ? null : received,
            FinishedAt = finishedAt,
            NextAttemptAt = state is WorkState.Pending or WorkState.Retrying ? received : null,
            LeaseOwner = state == WorkState.InProgress ? "replica-a" : null,
            LeaseUntil = state == WorkState.InProgress ? received + TimeSpan.FromSeconds(30) : null,
        };
    }

    /// <summary>The retention job and the answer buttons on a database (dropped with it) with one assistant, on a manual clock.</summary>
    private sealed class RetentionHub : IAsyncDisposable
    {
        private readonly IHubTestDatabase _database;
        private readonly HubServices _hub;

        private RetentionHub(IHubTestDatabase database, HubServices hub, ManualTimeProvider time)
        {
            _database = database;
            _hub = hub;
            Time = time;
        }

        public ManualTimeProvider Time { get; }

        public IServiceProvider Services => _hub.Provider;

        public AssistantRetention Retention => Services.GetRequiredService<AssistantRetention>();

        public static async Task<RetentionHub> StartAsync(IHubTestDatabase database, Action<AssistantOptions>? options = null)
        {
            var time = new ManualTimeProvider();
            var hub = new HubServices(database, time, services: s =>
            {
                s.AddMetrics();
                s.AddOptions<AssistantOptions>().Configure(o => options?.Invoke(o));
                s.TryAddSingleton<WorkSignals>();
                s.AddSingleton<AssistantTelemetry>();
                s.AddSingleton<AssistantRetention>();
                s.AddSingleton<AssistantFeedback>();
                s.AddHubDataProtection(); // a Regenerate's reply context is kept sealed
                s.AddSingleton<AssistantCardActions>();
            });
            var started = new RetentionHub(database, hub, time);
            try
            {
                await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
                await using var db = await started.DbAsync();
                db.Assistants.Add(new AssistantRow
                {
                    Name = Assistant, DisplayName = "Help desk", Backend = "dify", BaseUrl = "https://dify.example/v1", ApiKey = "dp1:key", Apps = "[\"default\"]",
                    Enabled = true, CreatedAt = time.GetUtcNow(), UpdatedAt = time.GetUtcNow(),
                });
                await db.SaveChangesAsync();
                return started;
            }
            catch
            {
                await started.DisposeAsync();
                throw;
            }
        }

        public Task<HubDbContext> DbAsync() => Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();

        public async Task<long> AddTurnAsync(
            string name, DateTimeOffset? finishedAt, string status = AssistantTurnStatus.Answered, WorkState state = WorkState.Done,
            string? placeholders = Protected, DateTimeOffset? receivedAt = null, long? session = null)
        {
            await using var db = await DbAsync();
            var turn = Turn(name, finishedAt, status, state, placeholders, receivedAt, session);
            db.AssistantTurns.Add(turn);
            await db.SaveChangesAsync();
            return turn.Id;
        }

        public async Task AddFeedbackAndAuditAsync(long turn)
        {
            await using var db = await DbAsync();
            db.AssistantFeedback.Add(new AssistantFeedbackRow { TurnId = turn, User = "per_alice", Value = "helpful", At = Time.GetUtcNow() });
            db.AssistantMaskAudit.Add(new AssistantMaskAuditRow { TurnId = turn, Direction = "to_backend", Detector = "china_mobile", Fingerprint = "ab12", At = Time.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        public async Task<AssistantTurnRow> TurnAsync(long id)
        {
            await using var db = await DbAsync();
            return await db.AssistantTurns.AsNoTracking().SingleAsync(t => t.Id == id);
        }

        public async Task<int> CountTurnsAsync()
        {
            await using var db = await DbAsync();
            return await db.AssistantTurns.CountAsync();
        }

        public async Task<List<long>> SessionIdsAsync()
        {
            await using var db = await DbAsync();
            return await db.AssistantSessions.OrderBy(s => s.Id).Select(s => s.Id).ToListAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _hub.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}

public sealed class SqliteAssistantRetentionTests : AssistantRetentionTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAssistantRetentionTests(PostgresCluster cluster) : AssistantRetentionTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
