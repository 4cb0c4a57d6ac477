using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.WeCom.AiBot;
using static Larkway.Emulator.Tests.WeCom.AiBot.AiBotTestHelpers;

namespace Larkway.Emulator.Tests.WeCom.AiBot;

/// <summary>The AI bot's conversations are kept in the state file with the rest of WeCom.</summary>
public sealed class AiBotStateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-aibot-state-").FullName;

    private string StateFile => Path.Combine(_folder, "emulator-state.json");

    [Fact]
    public async Task A_conversation_with_a_streamed_reply_survives_a_restart()
    {
        var clock = new ManualClock();
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock))
        {
            await using var client = await AiBotTestClient.SubscribedAsync(first);
            await first.UserSaysAsync("remember me");
            var reqId = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));
            Assert.Equal(0, (await client.ReplyAsync(reqId, Stream("s-keep", "**kept**", finish: true, feedbackId: "fb"))).Errcode());
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock);

        var messages = second.Messages();
        Assert.Equal(["remember me", "**kept**"], messages.Select(m => m.Content));
        var reply = messages[1];
        Assert.Equal(("stream", true, "fb", "s-keep"), (reply.MsgType, reply.Finished, reply.FeedbackId, reply.StreamId));
        Assert.Contains(second.Server.GetService<AiBotConversations>().All(), c => c.Id == AiBotConversations.SingleId(AiBotOptions.DefaultBotId, "alice") && c.ChatType == "single");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
