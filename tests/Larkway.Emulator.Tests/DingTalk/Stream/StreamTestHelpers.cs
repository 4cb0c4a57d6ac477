using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk.Stream;

/// <summary>Starting an emulator for Stream tests and waiting on its state.</summary>
internal static class StreamTestHelpers
{
    /// <summary>
    /// An emulator whose pings are out of the way (an hour apart) unless the test sets them: ping frames would
    /// otherwise interleave with what a test waits for.
    /// </summary>
    public static Task<TestEmulator> StartAsync(Action<DingTalkStreamOptions>? configure = null) =>
        TestEmulator.StartAsync(o =>
        {
            o.DingTalkStream.PingInterval = TimeSpan.FromHours(1);
            configure?.Invoke(o.DingTalkStream);
        });

    public static IReadOnlyList<DingTalkStreamDelivery> Deliveries(this TestEmulator emulator) => emulator.Server.DingTalkStream.Log.Snapshot();

    public static IReadOnlyList<DingTalkStreamDelivery> DeliveriesOf(this TestEmulator emulator, string messageId) =>
        [.. emulator.Deliveries().Where(d => d.MessageId == messageId)];

    public static DingTalkStreamConnectionView ConnectionView(this TestEmulator emulator, string id) =>
        emulator.Server.DingTalkStream.Connection(id) ?? throw new InvalidOperationException("no connection " + id);

    /// <summary>The id of the only connection ever opened.</summary>
    public static string OnlyConnectionId(this TestEmulator emulator) => Assert.Single(emulator.Server.DingTalkStream.Connections()).Id;

    public static async Task<Reply> RobotMessageAsync(this TestEmulator emulator, string text = "hello bot", string conversationType = "1") =>
        await emulator.PostJsonAsync("/_emulator/dingtalk/stream/robot-messages", new { conversationType, senderStaffId = "manager4821", senderNick = "张三", text });

    public static async Task<Reply> EventAsync(this TestEmulator emulator, string eventType = "user_add_org", object? data = null) =>
        await emulator.PostJsonAsync("/_emulator/dingtalk/stream/events", new { eventType, data = data ?? new { userId = new[] { "manager4821" } } });

    /// <summary>Polls a condition; the bound is a hang guard, not a timing assertion.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("waited in vain for: " + what);
    }
}
