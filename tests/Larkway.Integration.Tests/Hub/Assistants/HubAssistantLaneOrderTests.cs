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
/// second would be answered first, every time.
/// </summary>
public sealed class HubAssistantLaneOrderTests : IAsyncLifetime
{
    private HubSandbox _hub = null!;
    private HoldFirstQuestion _hold = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubSandbox.StartAsync(
            new Dictionary<string, string?> { ["Larkway:Assistants:ArrivalWait"] = "00:01:00" },
            configure: builder => builder.Services.AddSingleton<IInboxEventObserver>(sp => _hold = new HoldFirstQuestion(sp.GetRequiredService<IDbContextFactory<HubDbContext>>())));
        using var driver = new AssistantDriver(_hub, _hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_second_question_read_before_the_first_is_still_answered_after_it()
    {
        const string email = "inorder@example.com";
        var user = _hub.State.AddUser(new EmulatorUser(Ids.HomeOpenId("inorder"), Ids.HomeUnionId("inorder"), "inorder", "inorder", email, []));
        var chat = _hub.State.OpenDirectChat(_hub.Host.Settings.AppId!, user.OpenId);
        using var driver = new AssistantDriver(_hub, _hub.Emulator.BaseUrl, chat.ChatId);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        await _hub.SayToBotAsync("First: where is the VPN guide?", email);
        await _hold.Held.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await _hub.SayToBotAsync("Second: who approves travel?", email);

        var turns = await driver.EndedTurnsAsync(2, seconds: 60);
        turns.ShouldAllBe(t => t.Status == AssistantTurnStatus.Answered);
        turns[0].Question.ShouldBe("First: where is the VPN guide?");
        turns[1].Question.ShouldBe("Second: who approves travel?");
        turns[1].Id.ShouldBeLessThan(turns[0].Id, "the second question's turn was stored first");
        turns[1].StartedAt!.Value.ShouldBeGreaterThanOrEqualTo(turns[0].FinishedAt!.Value, "the second answer began after the first ended");
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
            if (!context.Envelope.Event.GetRawText().Contains("First:", StringComparison.Ordinal))
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
