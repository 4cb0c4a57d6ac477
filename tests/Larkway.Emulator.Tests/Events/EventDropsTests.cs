using Larkway.Emulator.Events;

namespace Larkway.Emulator.Tests.Events;

/// <summary>Drop rules: the next N events of a type, or every Kth until N are lost; other types pass.</summary>
public sealed class EventDropsTests
{
    [Fact]
    public void Every_fifth_event_of_the_type_is_lost_until_the_count_is_spent()
    {
        var drops = new EventDrops();
        drops.Add("drive.file.bitable_record_changed_v1", count: 2, every: 5);

        var lost = Enumerable.Range(1, 20).Where(_ => drops.TryConsume("drive.file.bitable_record_changed_v1")).ToList();

        Assert.Equal(2, lost.Count);
        Assert.Empty(drops.Rules);
    }

    [Fact]
    public void Which_events_are_lost_follows_the_rule_and_other_types_pass()
    {
        var drops = new EventDrops();
        drops.Add("a", count: 3, every: 2);
        drops.Add("b", count: 2);

        var aLost = Enumerable.Range(1, 8).Select(_ => drops.TryConsume("a")).ToList();
        var bLost = Enumerable.Range(1, 3).Select(_ => drops.TryConsume("b")).ToList();

        Assert.Equal([false, true, false, true, false, true, false, false], aLost);
        Assert.Equal([true, true, false], bLost);
        Assert.False(drops.TryConsume("c"));
    }

    [Fact]
    public void A_rule_of_nothing_to_drop_is_refused()
    {
        var drops = new EventDrops();

        Assert.Throws<ArgumentOutOfRangeException>(() => drops.Add("a", count: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => drops.Add("a", count: 1, every: 0));
    }
}
