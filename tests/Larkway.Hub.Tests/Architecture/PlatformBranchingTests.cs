using System.Text.RegularExpressions;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// Shared code asks the seams (Apps/HubPlatforms, the rooms' contracts) for a platform's facts; it does not branch on a
/// platform's name. A file outside the rooms (src/Larkway.Hub/DingTalk, WeCom, Feishu) that tests for DingTalk or WeCom by
/// name — <c>HubAppPlatform.IsDingTalk/IsWeCom/IsFeishu</c>, the constants <c>HubAppPlatform.DingTalk/WeCom</c>, the literals
/// <c>"dingtalk"</c> / <c>"wecom"</c>, <c>InboxTransport.Dingtalk/Wecom</c>, or a model's <c>IsDingTalk</c> / <c>IsWeCom</c> /
/// <c>HasAiBot</c> (the rooms ask those in their own terms) — is listed below with why, and the list only
/// shrinks: a listed file that no longer branches fails too. Read from the source text, as
/// <c>grep -E 'HubAppPlatform\.(IsDingTalk|IsWeCom|IsFeishu|DingTalk|WeCom)\b|"dingtalk"|"wecom"|InboxTransport\.(Dingtalk|Wecom)|\.(IsDingTalk|IsWeCom|HasAiBot)\b|(PersonPlatform|ChannelPlatform)\.(DingTalk|WeCom)\b'</c> reads it.
/// </summary>
public sealed partial class PlatformBranchingTests
{
    private static readonly string[] Rooms = ["DingTalk/", "WeCom/", "Feishu/"];

    /// <summary>Files outside the rooms that still branch on a platform's name, with why.</summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        ["Apps/HubAppPlatform.cs"] = "the built-in platforms' names themselves (the constants the rooms register under) and the forwarders IsDingTalk/IsWeCom for callers not yet asking HubPlatforms",
        ["Apps/HubAppRegistry.cs"] = "StoredApp.IsFeishu (the stored row of every platform), which Feishu's room, HubAppService's callback check and WhyUnusableAsync's Feishu-only wording read; the last two should ask the platform's seam",
    };

    [Fact]
    public void Shared_code_does_not_branch_on_a_platforms_name()
    {
        var branching = Branching().Where(f => !Allowed.ContainsKey(f)).ToList();
        branching.ShouldBeEmpty("ask Apps/HubPlatforms or the room's seam for the platform's fact instead of testing its name");
    }

    [Fact]
    public void Every_listed_file_still_branches()
    {
        var branching = Branching();
        Allowed.Keys.Where(f => !branching.Contains(f)).ToList()
            .ShouldBeEmpty("these files no longer branch on a platform's name: remove them from the list");
    }

    /// <summary>The files outside the rooms that name DingTalk or WeCom to branch on, by path under src/Larkway.Hub.</summary>
    private static HashSet<string> Branching()
    {
        var hub = Path.Combine(RepoPaths.Root, "src", "Larkway.Hub");
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(hub, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal)))
        {
            var path = Path.GetRelativePath(hub, file).Replace('\\', '/');
            if (path.StartsWith("bin/", StringComparison.Ordinal) || path.StartsWith("obj/", StringComparison.Ordinal) || Rooms.Any(r => path.StartsWith(r, StringComparison.Ordinal)))
            {
                continue;
            }

            if (ByName().IsMatch(File.ReadAllText(file)))
            {
                found.Add(path);
            }
        }

        return found;
    }

    [GeneratedRegex(@"HubAppPlatform\.(IsDingTalk|IsWeCom|IsFeishu|DingTalk|WeCom)\b|""dingtalk""|""wecom""|InboxTransport\.(Dingtalk|Wecom)|\.(IsDingTalk|IsWeCom|HasAiBot)\b|\b(IsDingTalk|IsWeCom|HasAiBot)\s*(:|=>)|\b(PersonPlatform|ChannelPlatform)\.(DingTalk|WeCom)\b", RegexOptions.CultureInvariant)]
    private static partial Regex ByName();
}
