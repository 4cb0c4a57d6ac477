using Larkway.Hub.Apps;
using Larkway.Hub.Sandbox;
using Microsoft.Extensions.Configuration;

namespace Larkway.Hub.Feishu;

/// <summary>
/// Feishu's part of the sandbox: its app is the Hub's default app on the embedded Emulator, made by the sandbox's start
/// itself (the subscription, the direct chats, the guide's export lines), so there is nothing to add here; Alice is reached
/// on Feishu through the directory's order, and the assistant answers on the default app's bot.
/// </summary>
internal sealed class FeishuSandbox : ISandboxPlatform
{
    public string AppName => HubAppService.DefaultAppName;

    public SandboxPerson Person { get; } = new("alice@example.com", "Alice", Prefers: false);

    public bool Enabled(IConfiguration configuration) => true;

    public Task<string?> EnsureAsync(SandboxStart start, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task<SandboxBanner> BannerAsync(SandboxStart start, string? problem, IReadOnlySet<string> assistantApps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(assistantApps);
        var ask = assistantApps.Contains(AppName) ? $"    on Feishu: write a question to the bot in any chat at {start.Emulator.BaseUrl} (@-mention it in groups)" : null;
        return Task.FromResult(new SandboxBanner([], true, ask));
    }
}
