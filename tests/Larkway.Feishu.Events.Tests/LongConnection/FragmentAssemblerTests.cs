using Larkway.Feishu.Events.LongConnection;

namespace Larkway.Feishu.Events.Tests.LongConnection;

/// <summary>Bounded reassembly, on a clock the test moves.</summary>
public sealed class FragmentAssemblerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly List<(string Id, string Reason)> _dropped = [];

    [Fact]
    public void Fragments_in_any_order_make_the_whole_message_once()
    {
        var assembler = Create();

        assembler.Add("m", 3, 2, "c"u8.ToArray()).ShouldBeNull();
        assembler.Add("m", 3, 0, "a"u8.ToArray()).ShouldBeNull();
        assembler.Add("m", 3, 0, "x"u8.ToArray()).ShouldBeNull(); // a repeat changes nothing
        assembler.Add("m", 3, 1, "b"u8.ToArray()).ShouldBe("abc"u8.ToArray());

        assembler.PendingCount.ShouldBe(0);
        assembler.PendingBytes.ShouldBe(0);
        _dropped.ShouldBeEmpty();
    }

    [Fact]
    public void An_incomplete_message_is_dropped_after_the_timeout()
    {
        var assembler = Create(timeout: TimeSpan.FromSeconds(5));
        assembler.Add("m", 2, 0, "ab"u8.ToArray()).ShouldBeNull();

        _time.Advance(TimeSpan.FromSeconds(6));
        // The late half cannot complete the expired message; it starts a new incomplete one.
        assembler.Add("m", 2, 1, "c"u8.ToArray()).ShouldBeNull();

        _dropped.Select(d => d.Id).ShouldBe(["m"]);
        assembler.PendingCount.ShouldBe(1);
        assembler.PendingBytes.ShouldBe(1);

        _time.Advance(TimeSpan.FromSeconds(6));
        assembler.DropExpired();
        assembler.PendingCount.ShouldBe(0);
        assembler.PendingBytes.ShouldBe(0);
    }

    [Fact]
    public void The_oldest_message_makes_room_when_the_count_cap_is_reached()
    {
        var assembler = Create(maxMessages: 2);
        assembler.Add("a", 2, 0, "1"u8.ToArray());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        assembler.Add("b", 2, 0, "1"u8.ToArray());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        assembler.Add("c", 2, 0, "1"u8.ToArray());

        _dropped.Select(d => d.Id).ShouldBe(["a"]);
        assembler.PendingCount.ShouldBe(2);
        assembler.Add("b", 2, 1, "2"u8.ToArray()).ShouldBe("12"u8.ToArray());
    }

    [Fact]
    public void The_byte_cap_drops_the_oldest_and_refuses_a_message_larger_than_itself()
    {
        var assembler = Create(maxBytes: 10);
        assembler.Add("a", 2, 0, new byte[6]);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        assembler.Add("b", 2, 0, new byte[6]);

        _dropped.Select(d => d.Id).ShouldBe(["a"]);
        assembler.PendingBytes.ShouldBe(6);

        assembler.Add("b", 2, 1, new byte[5]).ShouldBeNull();
        _dropped.Select(d => d.Id).ShouldBe(["a", "b"]);
        assembler.PendingCount.ShouldBe(0);
        assembler.PendingBytes.ShouldBe(0);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(2, -1)]
    [InlineData(FragmentAssembler.MaxFragments + 1, 0)]
    public void Out_of_range_fragments_are_dropped(int sum, int seq)
    {
        var assembler = Create();

        assembler.Add("m", sum, seq, "x"u8.ToArray()).ShouldBeNull();

        _dropped.Count.ShouldBe(1);
        assembler.PendingCount.ShouldBe(0);
    }

    [Fact]
    public void A_changed_fragment_count_restarts_the_message()
    {
        var assembler = Create();
        assembler.Add("m", 2, 0, "a"u8.ToArray());

        assembler.Add("m", 3, 0, "x"u8.ToArray()).ShouldBeNull();

        _dropped.Select(d => d.Id).ShouldBe(["m"]);
        assembler.PendingCount.ShouldBe(1);
        assembler.PendingBytes.ShouldBe(1);
    }

    private FragmentAssembler Create(int maxMessages = 8, long maxBytes = 1024, TimeSpan? timeout = null) =>
        new(maxMessages, maxBytes, timeout ?? TimeSpan.FromSeconds(10), _time, (id, reason) => _dropped.Add((id, reason)));

    private sealed class ManualTimeProvider : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
