using Larkway.Emulator.AiBackend;
using Larkway.Emulator.Seed;
using Larkway.Hub.Apps;
using Larkway.Hub.Feishu.Docs.Knowledge;
using Larkway.Hub.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu;

/// <summary>
/// Feishu's part of the sandbox: its app is the Hub's default app on the embedded Emulator, made by the sandbox's start
/// itself (the subscription, the direct chats, the guide's export lines); Alice is reached on Feishu through the
/// directory's order, and the assistant answers on the default app's bot. Unless <c>Larkway:Sandbox:Knowledge=false</c>,
/// the Emulator's public wiki space "Larkway Guides" is kept in step with its fake Dify's knowledge base.
/// </summary>
internal sealed partial class FeishuSandbox : ISandboxPlatform
{
    /// <summary>The sandbox's knowledge sync.</summary>
    public const string KnowledgeSyncName = "Larkway Guides";

    public string AppName => HubAppService.DefaultAppName;

    public SandboxPerson Person { get; } = new("alice@example.com", "Alice", Prefers: false);

    public bool Enabled(IConfiguration configuration) => true;

    public static bool KnowledgeEnabled(IConfiguration configuration) => configuration.GetValue("Larkway:Sandbox:Knowledge", true);

    public async Task<string?> EnsureAsync(SandboxStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!KnowledgeEnabled(start.Configuration))
        {
            return null;
        }

        // Connected when missing, as the sandbox's other samples are; an administrator's change of it stands.
        var store = start.Services.GetRequiredService<KnowledgeSyncStore>();
        if ((await store.ListAsync(cancellationToken).ConfigureAwait(false)).Any(s => s.SpaceId == DefaultDocs.GuidesSpaceId))
        {
            return null;
        }

        var dify = new Uri(start.Emulator.BaseUrl, new AiBackendOptions().DifyPrefix.TrimStart('/')).AbsoluteUri;
        var result = await start.Services.GetRequiredService<KnowledgeSyncService>().CreateAsync(
            new KnowledgeSyncInput(KnowledgeSyncName, "", DefaultDocs.GuidesSpaceId, null, dify, AiBackendOptions.DefaultDatasetId, AiBackendOptions.DefaultDifyDatasetKey, null, false, 3600, false),
            cancellationToken).ConfigureAwait(false);
        if (result.Value is null)
        {
            // The rest of the sandbox serves; the start's log says why this part does not.
            LogKnowledgeNotConnected(start.Services.GetRequiredService<ILogger<FeishuSandbox>>(), string.Join(" ", (result.Problems ?? []).Select(p => $"{p.Field}: {p.Message}")));
        }

        return null;
    }

    public async Task<SandboxBanner> BannerAsync(SandboxStart start, string? problem, IReadOnlySet<string> assistantApps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(assistantApps);
        var ask = assistantApps.Contains(AppName) ? $"    on Feishu: write a question to the bot in any chat at {start.Emulator.BaseUrl} (@-mention it in groups)" : null;
        var lines = new List<string>();
        if (KnowledgeEnabled(start.Configuration)
            && (await start.Services.GetRequiredService<KnowledgeSyncStore>().ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.SpaceId == DefaultDocs.GuidesSpaceId) is { } sync)
        {
            lines.Add($"  Knowledge: the wiki space \"Larkway Guides\" is kept in step with the Emulator's Dify knowledge base — its documents at {new Uri(start.HubBaseUrl, $"/api/v1/knowledge-syncs/{sync.Id}/documents")} (admin key),");
            lines.Add($"    what Dify holds at {new Uri(start.Emulator.BaseUrl, "/_emulator/ai/knowledge/datasets")}; edit a guide at {new Uri(start.Emulator.BaseUrl, "/wiki/spaces/" + DefaultDocs.GuidesSpaceId + "?as=bob@example.com")} (as Bob).");
        }

        return new SandboxBanner(lines, true, ask);
    }

    [LoggerMessage(EventId = Platform.LogEvents.KnowledgeSandboxNotConnected, Level = LogLevel.Warning, Message = "The sandbox could not connect the wiki space \"Larkway Guides\" to the Emulator's Dify knowledge base: {Problems}")]
    private static partial void LogKnowledgeNotConnected(ILogger logger, string problems);
}
