using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.Feishu.CardKit;
using Larkway.Feishu.Tests.Infrastructure;
using FakeClock = Microsoft.Extensions.Time.Testing.FakeTimeProvider;

namespace Larkway.Feishu.Tests.CardKit;

public sealed class CardKitSequenceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Concurrent_allocations_on_one_card_are_all_distinct_and_increasing_per_caller()
    {
        var sequences = new CardKitSequences(new FakeClock(Start));
        var taken = new ConcurrentBag<int[]>();

        Parallel.For(0, 8, _ =>
        {
            var mine = new int[2000];
            for (var i = 0; i < mine.Length; i++)
            {
                mine[i] = sequences.Next("card");
            }

            taken.Add(mine);
        });

        var all = taken.SelectMany(t => t).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.All(taken, mine => Assert.Equal(mine.Order(), mine));
        Assert.Equal(all.Max(), sequences.Last("card"));
        Assert.Equal(all.Count - 1, all.Max() - all.Min());
    }

    [Fact]
    public void A_new_process_continues_above_every_number_an_earlier_one_used_at_the_documented_rate()
    {
        var clock = new FakeClock(Start);
        var before = new CardKitSequences(clock);
        before.Created("card");
        var last = 0;

        // An earlier process writes at the 10/s limit for a minute (a burst of 10 each second).
        for (var second = 0; second < 60; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                last = before.Next("card");
            }

            clock.Advance(TimeSpan.FromSeconds(1));
        }

        // It dies; another starts at once (its clock may even be up to 10 s behind).
        var after = new CardKitSequences(new FakeClock(clock.GetUtcNow() - TimeSpan.FromSeconds(10)));

        Assert.True(after.Next("card") > last);
    }

    [Fact]
    public void Resume_continues_above_a_stored_number_and_cards_are_independent()
    {
        var sequences = new CardKitSequences(new FakeClock(Start));
        var other = sequences.Next("other");

        sequences.Resume("card", 2_000_000_000);

        Assert.Equal(2_000_000_001, sequences.Next("card"));
        Assert.Equal(other + 1, sequences.Next("other"));
        Assert.Null(sequences.Last("never"));
    }

    [Fact]
    public async Task A_card_gets_at_most_ten_writes_in_any_second_in_sequence_order()
    {
        var clock = new QuietClock(Start);
        var lanes = new CardKitLanes(clock, new CardKitSequences(clock));
        var sent = new ConcurrentQueue<(int Sequence, DateTimeOffset At)>();
        var otherCard = await lanes.RunAsync("other", "/content", s => Task.FromResult(s), CancellationToken.None);

        var writes = Enumerable.Range(0, 25).Select(_ => Task.Run(() => lanes.RunAsync("card", "/content", s =>
        {
            sent.Enqueue((s, clock.GetUtcNow()));
            return Task.FromResult(s);
        }, CancellationToken.None))).ToList();
        // The card's writes go one at a time: the clock moves only while the one whose turn it is waits on it.
        for (var spins = 0; sent.Count < 25 && spins < 100_000; spins++)
        {
            if (clock.Waiting == 1)
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
            }
            else
            {
                await Task.Delay(1);
            }
        }

        await Task.WhenAll(writes);
        var order = sent.ToList();
        Assert.Equal(25, order.Count);
        Assert.Equal(order.Select(o => o.Sequence).Order(), order.Select(o => o.Sequence));
        for (var i = 10; i < order.Count; i++)
        {
            Assert.True(order[i].At - order[i - 10].At >= TimeSpan.FromSeconds(1), $"write {i} went out within a second of write {i - 10}");
        }

        Assert.True(otherCard > 0);
    }

    [Fact]
    public async Task Concurrent_writes_reach_the_wire_with_strictly_increasing_sequences()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await Task.WhenAll(Enumerable.Range(0, 9).Select(i => Task.Run(() => i % 2 == 0
            ? client.CardKit.StreamTextAsync("c1", "answer", "text " + i)
            : client.CardKit.SetStreamingModeAsync("c1", on: true))));
        var view = client.WithOptions(new FeishuRequestOptions());
        await view.CardKit.StreamTextAsync("c1", "answer", "from a view");

        var wire = stub.ApiCalls.Select(c => JsonDocument.Parse(c.Body!).RootElement.GetProperty("sequence").GetInt32()).ToList();
        Assert.Equal(10, wire.Count);
        Assert.Equal(wire.Order(), wire);
        Assert.Equal(wire.Count, wire.Distinct().Count());
    }
}
