using Larkway.Hub.Assistants.Storage;

namespace Larkway.Hub.Assistants.Configuration;

/// <summary>
/// One app, one assistant. A create or change that would put a second enabled assistant on an app is refused
/// (<see cref="Overlaps"/>); assistants stored before that rule, or by two saves racing on two replicas, may still
/// overlap, and then the one stored first answers (<see cref="Precedes"/>, the name breaking a tie) — the router, the API
/// and the console all read it from here, so what they say is what happens.
/// </summary>
internal static class AssistantPrecedence
{
    /// <summary>Whether the stored row answers at all: enabled, and its policy still reads (one that does not is off).</summary>
    public static bool Answers(AssistantRow row) =>
        row.Enabled && AssistantJsonContext.TryRead(row.Policy, AssistantJsonContext.Default.AssistantPolicy, out _);

    /// <summary>The apps a stored row names.</summary>
    public static string[] AppsOf(AssistantRow row) => row.Apps.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Whether <paramref name="a"/> answers before <paramref name="b"/> where both name an app: stored first, then by name.</summary>
    public static bool Precedes(AssistantRow a, AssistantRow b) =>
        a.CreatedAt != b.CreatedAt ? a.CreatedAt < b.CreatedAt : string.CompareOrdinal(a.Name, b.Name) < 0;

    /// <summary>The rows in the order they take an app they share.</summary>
    public static IEnumerable<AssistantRow> InOrder(IEnumerable<AssistantRow> rows) =>
        rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Name, StringComparer.Ordinal);

    /// <summary>Per app, the assistant that answers there (of <paramref name="rows"/>, every stored one).</summary>
    public static Dictionary<string, string> Answerers(IEnumerable<AssistantRow> rows)
    {
        var byApp = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in InOrder(rows.Where(Answers)))
        {
            foreach (var app in AppsOf(row))
            {
                byApp.TryAdd(app, row.Name);
            }
        }

        return byApp;
    }

    /// <summary>The apps <paramref name="row"/> names where another answers, given <see cref="Answerers"/>.</summary>
    public static IReadOnlyList<AssistantOverlap> NotAnswering(AssistantRow row, IReadOnlyDictionary<string, string> answerers) =>
        !Answers(row)
            ? []
            : [.. AppsOf(row).Distinct(StringComparer.Ordinal)
                .Where(app => answerers.TryGetValue(app, out var by) && by != row.Name)
                .Select(app => new AssistantOverlap(app, answerers[app]))];

    /// <summary>
    /// What refuses a save of <paramref name="after"/> (its name, apps and enabled flag as they would be stored): each app
    /// of its that another enabled assistant of <paramref name="others"/> also names — unless <paramref name="before"/>
    /// (the stored row, on a change) already answered there, named it and comes first, so a change to the assistant that
    /// answers never fails for an overlap someone else holds. Each problem names the app and the other assistant.
    /// </summary>
    public static List<AssistantProblem> Overlaps(AssistantDefinition after, AssistantRow? before, IEnumerable<AssistantRow> others)
    {
        var problems = new List<AssistantProblem>();
        if (!after.Enabled)
        {
            return problems;
        }

        var answering = InOrder(others.Where(o => o.Name != after.Name && Answers(o))).ToList();
        foreach (var app in after.Apps.Distinct(StringComparer.Ordinal))
        {
            var kept = before is not null && Answers(before) && AppsOf(before).Contains(app, StringComparer.Ordinal);
            var other = answering.FirstOrDefault(o => AppsOf(o).Contains(app, StringComparer.Ordinal) && !(kept && Precedes(before!, o)));
            if (other is not null)
            {
                problems.Add(new("apps",
                    $"'{app}' is answered by the enabled assistant '{other.Name}' ({other.DisplayName}); an app has one assistant. "
                    + $"Take '{app}' out of this assistant's apps, save this one disabled, or first take '{app}' out of '{other.Name}' or disable it."));
            }
        }

        return problems;
    }
}
