using System.Text.RegularExpressions;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// The three platforms are equals: a DingTalk or WeCom type is named only in its platform's room (src/Larkway.Hub/DingTalk,
/// WeCom, and Feishu's room beside them); the shared rooms ask the seams. The files outside the rooms that still name one
/// are listed below, each with why, and the list only shrinks: a listed file that no longer names one fails too.
/// Read from the source text (as <c>grep -E '\b(DingTalk|WeCom)[A-Z]'</c> reads it), so a comment naming a type counts.
/// </summary>
public sealed partial class PlatformNameTests
{
    private static readonly string[] Rooms = ["DingTalk/", "WeCom/", "Feishu/"];

    /// <summary>Files outside the rooms that still name a DingTalk or WeCom type, with why.</summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        ["Platform/LogEvents.cs"] = "the one table of the assembly's log event ids (by design: ids are never shared)",
    };

    [Fact]
    public void Only_the_rooms_name_DingTalk_or_WeCom_types()
    {
        var named = Naming().Where(f => !Allowed.ContainsKey(f.Key)).Select(f => $"{f.Key}: {string.Join(", ", f.Value)}").ToList();
        named.ShouldBeEmpty("give the per-platform fact to the platform's room through a seam (an interface or record the room registers) instead of naming its type here");
    }

    [Fact]
    public void Every_listed_file_still_names_one()
    {
        var naming = Naming();
        Allowed.Keys.Where(f => !naming.ContainsKey(f)).ToList()
            .ShouldBeEmpty("these files no longer name a DingTalk or WeCom type: remove them from the list");
    }

    /// <summary>Each file outside the rooms that names a DingTalk or WeCom type, with the names, by its path under src/Larkway.Hub.</summary>
    private static Dictionary<string, SortedSet<string>> Naming()
    {
        var hub = Path.Combine(RepoPaths.Root, "src", "Larkway.Hub");
        var found = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(hub, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal)))
        {
            var path = Path.GetRelativePath(hub, file).Replace('\\', '/');
            if (path.StartsWith("bin/", StringComparison.Ordinal) || path.StartsWith("obj/", StringComparison.Ordinal) || Rooms.Any(r => path.StartsWith(r, StringComparison.Ordinal)))
            {
                continue;
            }

            var names = PlatformType().Matches(File.ReadAllText(file)).Select(m => m.Value).ToList();
            if (names.Count > 0)
            {
                found[path] = new SortedSet<string>(names, StringComparer.Ordinal);
            }
        }

        return found;
    }

    [GeneratedRegex(@"\b(DingTalk|WeCom)[A-Z]\w*", RegexOptions.CultureInvariant)]
    private static partial Regex PlatformType();
}
