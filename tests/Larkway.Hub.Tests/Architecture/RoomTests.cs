namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// The Hub's rooms are the folders under src/Larkway.Hub: Platform is what every feature stands on, the rest are feature
/// rooms. A type is in the room of the source file that declares it (read from the PDB, <see cref="HubSources"/>), not of
/// its namespace, so the Add…/Map… extension classes declared in Microsoft.Extensions.DependencyInjection count too.
/// Platform refers to no feature room, and no two rooms refer to each other, directly or round a longer loop — except the
/// references listed below, each with why it is still there. The lists only shrink: a listed reference that is gone fails
/// the test until its entry is removed.
/// References are read from the compiled assembly (<see cref="RoomReferences"/>), each placed in the file that makes it.
/// </summary>
public sealed class RoomTests
{
    private const string Platform = "Platform";

    /// <summary>Platform types that still name feature rooms.</summary>
    private static readonly Dictionary<string, string> PlatformExceptions = new(StringComparer.Ordinal)
    {
    };

    /// <summary>References between rooms that close a loop and stay for now.</summary>
    private static readonly Dictionary<(string From, string To), string> LoopExceptions = new()
    {
        [("WeCom", "Notifications")] = "WeCom's card clicks enter Notifications through its one click entry (NotificationClick, as DingTalk's links do); WeComCardClicks lives in WeCom's room and reads Notifications' store",
        [("Webhooks", "Notifications")] = "WebhookStore writes NotificationCardReference into the card-action event it fans out",
    };

    private static readonly Lazy<Dictionary<(string From, string To), SortedSet<string>>> Edges =
        new(() => RoomReferences.Of(HubSources.Hub.Value));

    [Fact]
    public void Every_type_is_in_a_source_file_or_made_up_by_the_compiler()
    {
        HubSources.Hub.Value.Unplaced.ShouldBeEmpty("the PDB names no source file for these types, and no rule of HubSources places them: give the rule, or find why the file is missing");
    }

    [Fact]
    public void Platform_refers_to_no_feature_room()
    {
        var references = Edges.Value
            .Where(e => e.Key.From == Platform)
            .SelectMany(e => e.Value.Select(why => (Room: e.Key.To, Why: why)))
            .Where(r => !PlatformExceptions.ContainsKey(r.Why.Split(" → ")[0]))
            .Select(r => $"{r.Why} ({r.Room})")
            .ToList();

        references.ShouldBeEmpty("Platform is what every feature stands on; give it a seam (an interface the room implements) instead");
    }

    [Fact]
    public void No_rooms_refer_to_each_other_round_a_loop()
    {
        var graph = Edges.Value.Keys
            .Where(e => !LoopExceptions.ContainsKey(e))
            .Where(e => e.From != Platform || Edges.Value[e].Any(why => !PlatformExceptions.ContainsKey(why.Split(" → ")[0])))
            .ToList();

        var loops = StronglyConnected(graph).Where(c => c.Count > 1)
            .Select(c => string.Join("; ", graph.Where(e => c.Contains(e.From) && c.Contains(e.To))
                .Select(e => $"{e.From} → {e.To} ({Edges.Value[e].First()}{(Edges.Value[e].Count > 1 ? $" and {Edges.Value[e].Count - 1} more" : "")})")))
            .ToList();

        loops.ShouldBeEmpty("break the loop: move the shared piece to the room that owns it, or give the lower room an interface the higher one implements");
    }

    [Fact]
    public void Every_listed_exception_is_still_needed()
    {
        LoopExceptions.Keys.Where(e => !Edges.Value.ContainsKey(e)).Select(e => $"{e.From} → {e.To}")
            .ShouldBeEmpty("these references are gone: remove them from the list");
        PlatformExceptions.Keys.Where(t => !Edges.Value.Any(e => e.Key.From == Platform && e.Value.Any(why => why.StartsWith(t + " → ", StringComparison.Ordinal))))
            .ShouldBeEmpty("these Platform types no longer name a feature room: remove them from the list");
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<HashSet<string>> StronglyConnected(List<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList(), StringComparer.Ordinal);
        var nodes = edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<HashSet<string>>();

        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in next.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                var component = new HashSet<string>(StringComparer.Ordinal);
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                components.Add(component);
            }
        }

        foreach (var n in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(n);
        }

        return components;
    }
}
