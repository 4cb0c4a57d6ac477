using Larkway.Emulator.Hosting;
using Larkway.WeCom.AiBot;
using Xunit.Abstractions;

namespace Larkway.Integration.Tests.WeCom.AiBot;

public sealed class AiBotProbeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new AiBotControl(emulator.BaseUrl);
        await using var client = new WeComAiBotClient(new WeComAiBotOptions
        {
            BotId = Larkway.Emulator.WeCom.AiBot.AiBotOptions.DefaultBotId, Secret = Larkway.Emulator.WeCom.AiBot.AiBotOptions.DefaultSecret,
            WebSocketUrl = new Uri(new Uri(emulator.BaseUrl.ToString().Replace("http", "ws", StringComparison.Ordinal)), "/wecom/aibot/ws"),
        }, async (c, ct) =>
        {
            if (c.Message is { } m)
            {
                var s = c.BeginStream();
                await s.AppendAsync("echo: " + m.PlainText, ct);
                await s.FinishAsync(cancellationToken: ct);
            }
        });
        await client.StartAsync();
        output.WriteLine((await control.MessageAsync("hello")).ToString());
        await Task.Delay(1000);
        output.WriteLine(string.Join("\n", (await control.ConnectionsAsync()).Select(c => c.ToString())));
        var conversations = await control.ConversationsAsync();
        output.WriteLine(string.Join("\n", conversations.Select(c => c.ToString())));
        output.WriteLine((await control.ConversationMessagesAsync(conversations[0].GetProperty("id").GetString()!)).ToString());
    }
}
