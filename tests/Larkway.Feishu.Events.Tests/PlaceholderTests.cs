namespace Larkway.Feishu.Events.Tests;

public sealed class PlaceholderTests
{
    [Fact]
    public void Assembly_loads() => Assert.NotNull(typeof(Larkway.Feishu.Events.AssemblyMarker).Assembly);
}
