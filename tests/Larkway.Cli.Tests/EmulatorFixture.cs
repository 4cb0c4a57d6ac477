using Larkway.Emulator.Hosting;

namespace Larkway.Cli.Tests;

/// <summary>One Emulator per test class, with the environment the CLI reads its credentials from.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private EmulatorServer? _server;

    public EmulatorOptions Options { get; } = new() { Port = 0 };

    public EmulatorServer Server => _server ?? throw new InvalidOperationException("not started");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["FEISHU_APP_ID"] = Options.AppId,
        ["FEISHU_APP_SECRET"] = Options.AppSecret,
        ["FEISHU_BASE_URL"] = Server.BaseUrl.ToString(),
    };

    public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(Options);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
