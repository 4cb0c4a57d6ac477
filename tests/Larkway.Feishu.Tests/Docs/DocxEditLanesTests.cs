using Larkway.Feishu.Docs;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Docs;

/// <summary>A document's edits go one at a time and three a second; other documents do not wait for it.</summary>
public class DocxEditLanesTests
{
    [Fact]
    public async Task A_fourth_edit_within_a_second_waits_for_the_window_and_another_document_does_not()
    {
        var clock = new FakeTimeProvider();
        var lanes = new DocxEditLanes(clock, perSecond: 3);
        var sent = new List<string>();
        Task<int> Edit(string doc, string label) => lanes.RunAsync(doc, _ =>
        {
            lock (sent)
            {
                sent.Add(label);
            }

            return Task.FromResult(0);
        }, CancellationToken.None);

        await Edit("docA", "a1");
        await Edit("docA", "a2");
        await Edit("docA", "a3");
        var fourth = Edit("docA", "a4");
        await Edit("docB", "b1");

        Assert.False(fourth.IsCompleted);
        Assert.Equal(["a1", "a2", "a3", "b1"], sent);
        await clock.WaitForTimerAsync();
        clock.Advance(TimeSpan.FromSeconds(1));
        await fourth;
        Assert.Equal("a4", sent[^1]);
    }

    [Fact]
    public async Task Edits_of_one_document_never_overlap()
    {
        var lanes = new DocxEditLanes(TimeProvider.System, perSecond: 0);
        var inside = 0;
        var most = 0;
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => lanes.RunAsync("doc", async _ =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
            return 0;
        }, CancellationToken.None)));

        Assert.Equal(1, most);
    }

    [Fact]
    public async Task Idle_lanes_are_dropped_once_there_are_many()
    {
        var clock = new FakeTimeProvider();
        var lanes = new DocxEditLanes(clock, perSecond: 3);
        for (var i = 0; i < 300; i++)
        {
            await lanes.RunAsync($"doc{i}", _ => Task.FromResult(0), CancellationToken.None);
        }

        clock.Advance(TimeSpan.FromSeconds(2));
        await lanes.RunAsync("last", _ => Task.FromResult(0), CancellationToken.None);

        Assert.True(lanes.Count < 10, $"{lanes.Count} lanes kept");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
