using Larkway.Emulator.Hosting;
using Larkway.WeCom.AiBot;
using EmulatorAiBot = Larkway.Emulator.WeCom.AiBot.AiBotOptions;

namespace Larkway.Integration.Tests.WeCom.AiBot;

/// <summary>One emulator for a test class; each test makes its own client (a new subscribe takes the bot over from the last one's).</summary>
public sealed class AiBotEmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Emulator { get; private set; } = null!;

    internal AiBotControl Control { get; private set; } = null!;

    public Uri WebSocketUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        Control = new AiBotControl(Emulator.BaseUrl);
        var ws = new UriBuilder(Emulator.BaseUrl) { Scheme = Emulator.BaseUrl.Scheme == "https" ? "wss" : "ws", Path = "/wecom-aibot/ws" };
        WebSocketUrl = ws.Uri;
    }

    public async Task DisposeAsync()
    {
        Control.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>The emulator's default bot, with a fast liveness rule (1 s pings, 3 s of silence) so faults are found in seconds.</summary>
    public WeComAiBotOptions Options(Action<WeComAiBotOptions>? configure = null)
    {
        var options = new WeComAiBotOptions
        {
            BotId = EmulatorAiBot.DefaultBotId, Secret = EmulatorAiBot.DefaultSecret, WebSocketUrl = WebSocketUrl,
            PingInterval = TimeSpan.FromSeconds(1), SilenceTimeout = TimeSpan.FromSeconds(3),
            KeepAliveInterval = TimeSpan.FromSeconds(1), KeepAliveTimeout = TimeSpan.FromSeconds(1),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(200), ReconnectMaxDelay = TimeSpan.FromSeconds(2),
            StreamMinInterval = TimeSpan.FromMilliseconds(20),
        };
        configure?.Invoke(options);
        return options;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {seconds} s for {what}");
            }

            await Task.Delay(50);
        }
    }
}
