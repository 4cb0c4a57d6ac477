using Larkway.Hub.Feishu.Notifications;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Hub.Tests.Feishu.Notifications;

/// <summary>Send slots: Feishu's per-receiver and per-app limits, without one busy receiver holding up the others.</summary>
public sealed class SendPacerTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void A_receiver_gets_five_slots_now_and_the_sixth_after_its_window_while_others_go_at_once()
    {
        var pacer = SendPacer.ForFeishu(_time, perReceiverPerSecond: 5, perAppPerSecond: 50, perAppPerMinute: 1000);

        for (var id = 1; id <= 5; id++)
        {
            Assert.Null(pacer.Reserve("chat:oc_busy", id));
            pacer.Sent("chat:oc_busy");
        }

        var sixth = pacer.Reserve("chat:oc_busy", 6);
        var seventh = pacer.Reserve("chat:oc_busy", 7);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(1.1), sixth);
        Assert.Equal(sixth, seventh);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(1.1), pacer.Reserve("chat:oc_busy", 11));

        // Waiting deliveries to the busy chat took no app slots: another receiver sends now.
        Assert.Null(pacer.Reserve("open_id:ou_other", 8));

        // A delivery asking again before its slot is told the same slot; at its slot it goes.
        Assert.Equal(sixth, pacer.Reserve("chat:oc_busy", 6));
        _time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Null(pacer.Reserve("chat:oc_busy", 6));
        Assert.Null(pacer.Reserve("chat:oc_busy", 7));
    }

    [Fact]
    public void The_app_gets_its_per_second_and_per_minute_limits()
    {
        var pacer = SendPacer.ForFeishu(_time, perReceiverPerSecond: 5, perAppPerSecond: 3, perAppPerMinute: 5);

        Assert.Null(pacer.Reserve("r1", 1));
        Assert.Null(pacer.Reserve("r2", 2));
        Assert.Null(pacer.Reserve("r3", 3));
        var start = _time.GetUtcNow();
        Assert.Equal(start + TimeSpan.FromSeconds(1.1), pacer.Reserve("r4", 4));
        Assert.Equal(start + TimeSpan.FromSeconds(1.1), pacer.Reserve("r5", 5));

        // The minute's five are taken: the sixth waits for the first to leave the minute.
        Assert.Equal(start + TimeSpan.FromSeconds(61), pacer.Reserve("r6", 6));
    }

    [Fact]
    public void Sends_are_spaced_from_when_they_were_answered_so_slow_or_late_ones_do_not_crowd_the_next_window()
    {
        var pacer = SendPacer.ForFeishu(_time, perReceiverPerSecond: 2, perAppPerSecond: 50, perAppPerMinute: 1000);
        var start = _time.GetUtcNow();
        Assert.Null(pacer.Reserve("chat:oc_1", 1));
        Assert.Null(pacer.Reserve("chat:oc_1", 2));
        Assert.Equal(start + TimeSpan.FromSeconds(1.1), pacer.Reserve("chat:oc_1", 3));

        // 1 and 2 took 0.4 s to be answered: 3, back at its slot, waits until 1.1 s after that.
        _time.Advance(TimeSpan.FromSeconds(0.4));
        pacer.Sent("chat:oc_1");
        pacer.Sent("chat:oc_1");
        _time.Advance(TimeSpan.FromSeconds(0.7));
        Assert.Equal(start + TimeSpan.FromSeconds(1.5), pacer.Reserve("chat:oc_1", 3));
        Assert.Null(pacer.Reserve("chat:oc_2", 4));
        _time.Advance(TimeSpan.FromSeconds(0.4));
        Assert.Null(pacer.Reserve("chat:oc_1", 3));

        // 3, then 5, let go and not answered yet: they may reach Feishu any moment, so 6 waits a whole window.
        _time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Null(pacer.Reserve("chat:oc_1", 5));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(1.1), pacer.Reserve("chat:oc_1", 6));
    }

    [Fact]
    public void Sends_held_up_together_come_back_spaced_not_all_at_once()
    {
        var pacer = SendPacer.ForFeishu(_time, perReceiverPerSecond: 5, perAppPerSecond: 2, perAppPerMinute: 1000);
        var start = _time.GetUtcNow();
        Assert.Null(pacer.Reserve("user:a", 1));
        Assert.Null(pacer.Reserve("user:b", 2));
        Assert.Equal(start + TimeSpan.FromSeconds(1.1), pacer.Reserve("user:c", 3));
        Assert.Equal(start + TimeSpan.FromSeconds(1.1), pacer.Reserve("user:d", 4));

        // 1 and 2 were answered late (0.3 s): at their slot, 3 and 4 both find the app's window full until 1.4 s.
        _time.Advance(TimeSpan.FromSeconds(0.3));
        pacer.Sent("user:a");
        pacer.Sent("user:b");
        _time.Advance(TimeSpan.FromSeconds(0.8));
        Assert.Equal(start + TimeSpan.FromSeconds(1.4), pacer.Reserve("user:c", 3));

        // 4 comes back the window's pace (1.1 s / 2) after 3, not at the same moment to be turned away again.
        Assert.Equal(start + TimeSpan.FromSeconds(1.95), pacer.Reserve("user:d", 4));
        _time.Advance(TimeSpan.FromSeconds(0.3));
        Assert.Null(pacer.Reserve("user:c", 3));
        _time.Advance(TimeSpan.FromSeconds(0.55));
        Assert.Null(pacer.Reserve("user:d", 4));
    }

    [Fact]
    public void A_receiver_Feishu_throttled_gets_no_slot_before_the_reset()
    {
        var pacer = SendPacer.ForFeishu(_time, perReceiverPerSecond: 5, perAppPerSecond: 50, perAppPerMinute: 1000);
        var reset = _time.GetUtcNow() + TimeSpan.FromSeconds(3);

        pacer.Throttled("chat:oc_x", reset);

        Assert.Equal(reset, pacer.Reserve("chat:oc_x", 1));
        Assert.Null(pacer.Reserve("chat:oc_y", 2));
    }
}
