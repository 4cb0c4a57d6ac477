using System.Collections.Concurrent;
using Larkway.Feishu.CardKit;

namespace Larkway.Feishu.Tests.CardKit;

/// <summary>The app's CardKit budget: many cards' writes of one endpoint together stay within the platform's 50 a second (with a fifth spare) and 1,000 a minute.</summary>
public sealed class CardKitAppBudgetTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Writes_of_many_cards_stay_within_forty_in_any_second_of_the_app()
    {
        const int PerSecond = CardKitAppBudget.DefaultPerSecond;
        Assert.InRange(PerSecond, 1, 45);
        var clock = new QuietClock(Start);
        var lanes = new CardKitLanes(clock, new CardKitSequences(clock));
        var sent = await RunAsync(clock, 120, i => lanes.RunAsync($"card-{i}", "/content", s => Task.FromResult(s), CancellationToken.None), TimeSpan.FromMilliseconds(50));
        var otherEndpoint = await RunAsync(clock, PerSecond, i => lanes.RunAsync($"card-{i}", "/settings", s => Task.FromResult(s), CancellationToken.None), TimeSpan.FromMilliseconds(50));

        Assert.Equal(120, sent.Count);
        for (var i = PerSecond; i < sent.Count; i++)
        {
            Assert.True(sent[i] - sent[i - PerSecond] >= TimeSpan.FromSeconds(1), $"call {i} went out within a second of call {i - PerSecond}");
        }

        Assert.True(sent[PerSecond - 1] - sent[0] < TimeSpan.FromSeconds(1), "the first ones go at once: the budget holds back only what is over it");
        Assert.True(otherEndpoint[PerSecond - 1] - otherEndpoint[0] < TimeSpan.FromSeconds(1), "another endpoint has its own budget");
    }

    [Fact]
    public async Task A_minute_takes_at_most_a_thousand_calls()
    {
        var clock = new QuietClock(Start);
        var budget = new CardKitAppBudget(clock, perSecond: 1000, perMinute: 1000);
        var sent = await RunAsync(clock, 1010, _ => budget.TakeAsync("/content", CancellationToken.None), TimeSpan.FromSeconds(1));

        Assert.Equal(1010, sent.Count);
        Assert.True(sent[1000] - sent[0] >= TimeSpan.FromMinutes(1), "the 1001st call waits for the first to be a minute old");
    }

    /// <summary>
    /// Starts <paramref name="count"/> calls at once and advances the clock by <paramref name="step"/> only when every
    /// unfinished call waits on it, so no call's time is read after a step it did not wait for; the times each went out, in order.
    /// </summary>
    private static async Task<List<DateTimeOffset>> RunAsync(QuietClock clock, int count, Func<int, Task> call, TimeSpan step)
    {
        var sent = new ConcurrentQueue<DateTimeOffset>();
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await call(i);
            sent.Enqueue(clock.GetUtcNow());
        })).ToList();
        for (var spins = 0; sent.Count < count && spins < 200_000; spins++)
        {
            if (sent.Count + clock.Waiting == count)
            {
                clock.Advance(step);
            }
            else
            {
                await Task.Delay(1);
            }
        }

        await Task.WhenAll(calls);
        return [.. sent.Order()];
    }
}
