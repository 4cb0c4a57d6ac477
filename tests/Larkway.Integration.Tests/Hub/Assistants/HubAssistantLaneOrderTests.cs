using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Two questions sent back to back in one chat are answered in order even when the inbox reads the second before the
/// first: the second question waits for the unread earlier event of its own conversation (its lane). An observer holds
/// the first question's event in the inbox until the worker has looked at the second question, so without that rule the
/// second would be answered first, every time. Two questions the platform stamped with the same instant go in the order
/// the inbox received them, not in the order its concurrent handlers stored them.
/// </summary>
public sealed class HubAssistantLaneOrderTests
{
    [Fact]
    public async Task A_second_question_read_before_the_first_is_still_answered_after_it()
    {
        await using var hub = await StartAsync(emulator: null);
        await AskTwiceAndCheckOrderAsync(hub.Hub, hub.Hold);
    }

    [Fact]
    public async Task Two_questions_stamped_with_the_same_instant_go_in_the_order_the_inbox_received_them()
    {
        // Platforms stamp messages coarsely (WeCom to the second): the Emulator's clock stands still while both questions
        // are sent, so they carry the same create_time, and only the inbox's order of arrival tells which came first.
        var clock = new PausedClock();
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeProvider = clock });
        await using var hub = await StartAsync(emulator);
        clock.Pause();
        var turns = await AskTwiceAndCheckOrderAsync(hub.Hub, hub.Hold, clock.Resume);
        turns[1].SentAt.ShouldBe(turns[0].SentAt, "both stamped with one instant");
    }

    /// <summary>A Hub whose inbox holds the first question (against <paramref name="emulator"/>, or its own), with an assistant.</summary>
    private static async Task<Started> StartAsync(EmulatorServer? emulator)
    {
        HoldFirstQuestion? hold = null;
        var settings = new Dictionary<string, string?> { ["Larkway:Assistants:ArrivalWait"] = "00:01:00" };
        void Configure(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
            builder.Services.AddSingleton<IInboxEventObserver>(sp => hold = new HoldFirstQuestion(sp.GetRequiredService<IDbContextFactory<HubDbContext>>()));
        var hub = emulator is null
            ? await HubSandbox.StartAsync(settings, configure: Configure)
            : await HubSandbox.StartAgainstAsync(emulator, "webhook", settings, configure: Configure);
        if (emulator is not null)
        {
            await hub.SubscribeEventsAsync();
        }

        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        return new Started(hub, hold!);
    }

    /// <summary>
    /// Asks "First:" then "Second:" in one chat, the first question's event held in the inbox until the second's turn was
    /// looked at; checks the answers went in the order asked and returns the turns in that order.
    /// </summary>
    private static async Task<IReadOnlyList<AssistantTurnRow>> AskTwiceAndCheckOrderAsync(HubSandbox hub, HoldFirstQuestion hold, Action? asked = null)
    {
        const string email = "inorder@example.com";
        var user = hub.State.AddUser(new EmulatorUser(Ids.HomeOpenId("inorder"), Ids.HomeUnionId("inorder"), "inorder", "inorder", email, []));
        var chat = hub.State.OpenDirectChat(hub.Host.Settings.AppId!, user.OpenId);
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl, chat.ChatId);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        await hub.SayToBotAsync("First: where is the VPN guide?", email);
        await hold.Held.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await hub.SayToBotAsync("Second: who approves travel?", email);
        asked?.Invoke();

        var turns = await driver.EndedTurnsAsync(2, seconds: 60);
        turns.ShouldAllBe(t => t.Status == AssistantTurnStatus.Answered);
        turns[0].Question.ShouldBe("First: where is the VPN guide?");
        turns[1].Question.ShouldBe("Second: who approves travel?");
        turns[1].Id.ShouldBeLessThan(turns[0].Id, "the second question's turn was stored first");
        turns[1].StartedAt!.Value.ShouldBeGreaterThanOrEqualTo(turns[0].FinishedAt!.Value, $"the second answer began after the first ended; {hub.Log}");
        return turns;
    }

    private sealed record Started(HubSandbox Hub, HoldFirstQuestion Hold) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Hub.DisposeAsync();
    }

    /// <summary>The system's clock, whose time of day can stand still for a while (its timers always run as the system's).</summary>
    private sealed class PausedClock : TimeProvider
    {
        // UTC ticks of the still moment, 0 while running: one word, read and written whole across threads.
        private long _stillTicks;

        public void Pause() => Volatile.Write(ref _stillTicks, System.GetUtcNow().UtcTicks);

        public void Resume() => Volatile.Write(ref _stillTicks, 0);

        public override DateTimeOffset GetUtcNow() => Volatile.Read(ref _stillTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : System.GetUtcNow();
    }

    /// <summary>
    /// Holds the event of the question starting "First:" until the worker has looked at the turn of the one starting
    /// "Second:" — answered it, or put it back for later.
    /// </summary>
    private sealed class HoldFirstQuestion(IDbContextFactory<HubDbContext> contexts) : IInboxEventObserver
    {
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken)
        {
            if (!context.Event.GetRawText().Contains("First:", StringComparison.Ordinal))
            {
                return false;
            }

            Held.TrySetResult();
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(60));
            DateTimeOffset? storedDue = null;
            while (!bound.IsCancellationRequested)
            {
                await using (var db = await contexts.CreateDbContextAsync(bound.Token))
                {
                    var second = await db.AssistantTurns.AsNoTracking().FirstOrDefaultAsync(t => t.Question.StartsWith("Second:"), bound.Token);
                    if (second is not null)
                    {
                        storedDue ??= second.NextAttemptAt;
                        if (second.Status != AssistantTurnStatus.Queued || second.NextAttemptAt > storedDue)
                        {
                            return false;
                        }
                    }
                }

                await Task.Delay(20, bound.Token);
            }

            return false;
        }
    }
}
