using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.Hub.Assistants;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// An Emulator and a Hub with one DingTalk app added through the API without a card template (so its cards and an
/// answer's feedback go as robot action cards whose buttons are links), its Stream connection open.
/// </summary>
internal sealed class PlainDingTalkApp : IAsyncDisposable
{
    private PlainDingTalkApp(EmulatorServer emulator, HubSandbox hub, HttpClient admin) => (Emulator, Hub, Admin) = (emulator, hub, admin);

    public EmulatorServer Emulator { get; }

    public HubSandbox Hub { get; }

    /// <summary>The Hub's API as its administrator.</summary>
    public HttpClient Admin { get; }

    public static async Task<PlainDingTalkApp> StartAsync()
    {
        var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        var admin = HubDingTalkTests.Admin(hub);
        var app = new PlainDingTalkApp(emulator, hub, admin);
        try
        {
            await HubDingTalkTests.AddAppAsync(admin, emulator);
            await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Hub.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
