namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>
/// A clock shared by the Emulator and a client: real time plus an offset that tests move forward.
/// Timers and timestamps stay real, so timeouts, back-off and Kestrel behave normally; only "what time
/// is it" (token lifetimes, windows) jumps.
/// </summary>
internal sealed class ShiftableTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
