using Larkway.Feishu.Events.Crypto;
using Larkway.Feishu.Events.Tests.TestSupport;

namespace Larkway.Feishu.Events.Tests.Crypto;

public sealed class TimestampWindowTests
{
    private static readonly FixedTimeProvider Clock = new(DateTimeOffset.FromUnixTimeSeconds(1_718_000_000));

    [Theory]
    [InlineData("1718000000", true)]
    [InlineData("1717999700", true)]
    [InlineData("1718000300", true)]
    [InlineData("1717999699", false)]
    [InlineData("1718000301", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("abc", false)]
    [InlineData("-1718000000", false)]
    [InlineData("1718000000.5", false)]
    [InlineData("99999999999999999999999", false)]
    public void Default_window_is_five_minutes(string? timestamp, bool expected) =>
        Assert.Equal(expected, FeishuRequestTimestamp.IsWithinWindow(timestamp, FeishuRequestTimestamp.DefaultWindow, Clock));

    [Fact]
    public void Window_is_configurable()
    {
        Assert.False(FeishuRequestTimestamp.IsWithinWindow("1717999000", TimeSpan.FromMinutes(5), Clock));
        Assert.True(FeishuRequestTimestamp.IsWithinWindow("1717999000", TimeSpan.FromMinutes(20), Clock));
    }

    [Fact]
    public void Negative_window_is_an_argument_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FeishuRequestTimestamp.IsWithinWindow("1", TimeSpan.FromSeconds(-1), Clock));
}
