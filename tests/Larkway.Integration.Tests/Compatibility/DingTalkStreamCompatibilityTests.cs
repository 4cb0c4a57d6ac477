using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.DingTalk;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// DingTalk's official Stream client, <c>dingtalk-stream</c> (npm), unchanged against the emulator: it opens a
/// connection, answers pings, receives a robot message and replies through the session webhook, answers a card
/// callback, and acks an event; the emulator sees every ack.
/// </summary>
public sealed class DingTalkStreamCompatibilityTests
{
    private static readonly string CompatDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "dingtalk-stream");

    [Fact]
    public async Task The_official_dingtalk_stream_client_receives_a_robot_message_a_card_callback_and_an_event_and_acks_them()
    {
        Assert.True(Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "dingtalk-stream")),
            "dingtalk-stream is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");
        var options = new EmulatorOptions { Port = 0 };
        options.DingTalkStream.PingInterval = TimeSpan.FromSeconds(1);
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var control = new DingTalkStreamControl(emulator.BaseUrl, options.DingTalkAppKey);

        await using var node = NodeScript.Start(CompatDirectory, "stream.mjs", emulator.BaseUrl.ToString().TrimEnd('/'), options.DingTalkAppKey, options.DingTalkAppSecret);
        await node.NextAsync("ready");

        // The emulator pings every second: the client must have echoed one before anything else is checked.
        for (var i = 0; i < 500 && !(await control.DeliveriesAsync()).Any(d => d.GetProperty("direction").GetString() == "in" && d.GetProperty("topic").GetString() == "ping"); i++)
        {
            await Task.Delay(20);
        }

        var msgId = await control.RobotMessageAsync("hello from DingTalk");
        var robot = await node.NextAsync("robot");
        Assert.Equal(msgId, robot.GetProperty("msgId").GetString());
        Assert.Equal("hello from DingTalk", robot.GetProperty("text").GetString());

        await control.CardCallbackAsync("card-compat-1");
        Assert.Equal("card-compat-1", (await node.NextAsync("card")).GetProperty("outTrackId").GetString());

        var eventId = await control.EventAsync("user_add_org", new { userId = new[] { "alice" } });
        var pushed = await node.NextAsync("event");
        Assert.Equal("user_add_org", pushed.GetProperty("type").GetString());

        // The event's headers as the official client types them (eventCorpId, eventUnifiedAppId, eventBornTime): the corp is the org's.
        Assert.Equal(options.DingTalkCorpId, pushed.GetProperty("corpId").GetString());
        Assert.False(string.IsNullOrEmpty(pushed.GetProperty("unifiedAppId").GetString()));
        Assert.True(long.TryParse(pushed.GetProperty("bornTime").GetString(), out _));

        await node.NextAsync("done");
        Assert.Equal(0, await node.ExitCodeAsync());

        var replies = await control.SessionRepliesAsync();
        Assert.Contains(replies, r => r.GetRawText().Contains("echo: hello from DingTalk", StringComparison.Ordinal));
        var acks = (await control.DeliveriesAsync()).Where(d => d.GetProperty("direction").GetString() == "in" && d.GetProperty("outcome").GetString() == "ack").ToList();
        Assert.Contains(acks, a => a.GetProperty("messageId").GetString() == eventId && Data(a).Contains("SUCCESS", StringComparison.Ordinal));
        Assert.Contains(acks, a => Data(a).Contains("approved", StringComparison.Ordinal));
        Assert.Contains(await control.DeliveriesAsync(), d => d.GetProperty("direction").GetString() == "in" && d.GetProperty("topic").GetString() == "ping"
            && d.GetProperty("outcome").GetString() is "ack" or "late-ack");
    }

    private static string Data(JsonElement delivery) => delivery.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
}
