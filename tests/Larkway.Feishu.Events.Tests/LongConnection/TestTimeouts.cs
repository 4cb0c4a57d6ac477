namespace Larkway.Feishu.Events.Tests.LongConnection;

/// <summary>Hang guards only: nothing asserts on elapsed time.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);
}
