using Larkway.Shared.Clients;

namespace Larkway.Shared.Clients.Tests;

public sealed class BackgroundWorkTests
{
    // A guard against a hang, not a measurement: every wait below ends as soon as its condition holds.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_wait_for_idle_ends_when_the_work_ends_and_a_failed_piece_does_not_fail_it()
    {
        var work = new BackgroundWork();
        var handler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Track(handler.Task);

        var idle = work.WhenIdleAsync();
        idle.IsCompleted.ShouldBeFalse("a piece of work still runs");

        handler.SetException(new InvalidOperationException("the handler failed"));
        await idle.WaitAsync(Guard);
        idle.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_gets_control_back_while_the_work_goes_on()
    {
        var work = new BackgroundWork();
        var handler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Start(() => handler.Task);
        using var patience = new CancellationTokenSource();

        var idle = work.WhenIdleAsync(patience.Token);
        await patience.CancelAsync();

        await idle.WaitAsync(Guard);
        idle.IsCompletedSuccessfully.ShouldBeTrue("the wait ends, neither cancelled nor failed");
        handler.Task.IsCompleted.ShouldBeFalse();
        handler.SetResult();
        await work.WhenIdleAsync().WaitAsync(Guard);
    }
}
