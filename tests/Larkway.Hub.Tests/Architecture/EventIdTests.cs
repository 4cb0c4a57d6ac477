using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// Every assembly that logs in the Hub's process owns one range of log event ids, and no two log messages of the
/// process share an id: an operator filters and alerts on ids, so a collision makes two different events look like one.
/// The ranges are the table in docs/metrics.md (Logs); a new Larkway assembly in the Hub fails here until it has one.
/// </summary>
public sealed class EventIdTests
{
    private static readonly Dictionary<string, (int First, int Last)> Ranges = new(StringComparer.Ordinal)
    {
        ["Larkway.Feishu"] = (1000, 1699),
        ["Larkway.Feishu.Events"] = (1700, 1899),
        ["Larkway.Feishu.AspNetCore"] = (1900, 1999),
        ["Larkway.DingTalk"] = (2000, 2999),
        ["Larkway.WeCom"] = (3000, 3999),
        ["Larkway.Hub"] = (4000, 5999),
        ["Larkway.Channels"] = (6000, 6999),
        ["Larkway.Clients.Abstractions"] = (7000, 7099),
        ["Larkway.Emulator"] = (9000, 9999),
    };

    [Fact]
    public void Every_log_message_in_the_Hubs_process_has_an_id_of_its_own_from_its_assemblys_range()
    {
        var assemblies = LarkwayAssembliesOf(typeof(Larkway.Hub.Platform.Configuration.HubSettings).Assembly);
        assemblies.Select(a => a.GetName().Name!).Where(n => !Ranges.ContainsKey(n))
            .ShouldBeEmpty("each assembly the Hub loads needs its own range of log event ids (here and in docs/metrics.md)");

        var messages = assemblies.SelectMany(LogMessages).ToList();
        messages.Count.ShouldBeGreaterThan(100, "the scan found the log messages");

        var outside = messages
            .Where(m => m.Id < Ranges[m.Assembly].First || m.Id > Ranges[m.Assembly].Last)
            .Select(m => $"{m.Place} uses {m.Id}, outside {m.Assembly}'s {Ranges[m.Assembly].First}–{Ranges[m.Assembly].Last}");
        var shared = messages.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} is used by {string.Join(" and ", g.Select(m => m.Place))}");
        outside.Concat(shared).ToList().ShouldBeEmpty();
    }

    [Fact]
    public void The_ranges_do_not_overlap()
    {
        var sorted = Ranges.OrderBy(r => r.Value.First).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            sorted[i].Value.First.ShouldBeGreaterThan(sorted[i - 1].Value.Last, $"{sorted[i].Key} starts inside {sorted[i - 1].Key}'s range");
        }
    }

    /// <summary>The Hub and every Larkway assembly it references, directly or through another.</summary>
    private static List<Assembly> LarkwayAssembliesOf(Assembly root)
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal) { [root.GetName().Name!] = root };
        var pending = new Queue<Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var name in assembly.GetReferencedAssemblies().Where(n => n.Name!.StartsWith("Larkway.", StringComparison.Ordinal)))
            {
                if (!found.ContainsKey(name.Name!))
                {
                    var loaded = Assembly.Load(name);
                    found[name.Name!] = loaded;
                    pending.Enqueue(loaded);
                }
            }
        }

        return [.. found.Values];
    }

    private static IEnumerable<(string Assembly, string Place, int Id)> LogMessages(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (assembly.GetName().Name!, $"{assembly.GetName().Name}: {m.Method.DeclaringType!.FullName}.{m.Method.Name}", m.Attribute!.EventId));
}
