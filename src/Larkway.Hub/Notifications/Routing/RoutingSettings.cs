using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.Directory.Links;

namespace Larkway.Hub.Notifications.Routing;

/// <summary>
/// How the Hub picks a platform for a person (<c>GET/PUT /api/v1/directory/routing</c>): the platform order when a
/// person has no preference (and the fallback after it), the app that sends on each platform when the notification's own
/// app is another platform's, and per notification type an order that replaces the person's preference.
/// </summary>
public sealed record RoutingSettings
{
    /// <summary>
    /// The order used after a person's preferred platform; the first that reaches them and accepts wins. Null until
    /// filled from the registry (<see cref="RoutingSettingsStore"/>): the person's platforms in the order the rooms were added.
    /// </summary>
    [JsonPropertyName("order")]
    [Description("The platforms to try, in order, for a person without a preferred platform (and after it for one with): the first that reaches them and accepts wins. Left out: every platform in the Hub's order.")]
    public IReadOnlyList<string>? Order { get; init; }

    /// <summary>The Hub app that sends on a platform without a default app (by platform); unset: the only enabled app of that platform.</summary>
    [JsonPropertyName("apps")]
    [Description("By platform, the Hub app that sends on a platform without a default app when the notification's own app is another platform's; a platform left out: its only enabled app.")]
    public IReadOnlyDictionary<string, string> Apps { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Per notification type, the platform order that replaces the person's preference (platforms left out are not used for it).</summary>
    [JsonPropertyName("types")]
    [Description("By notification type, the platforms to try in order instead of the person's preference; platforms left out are not used for that type.")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Types { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>The person's platforms registered in this Hub (<see cref="PersonPlatforms.All"/>): a preference for another is ignored.</summary>
    [JsonIgnore]
    internal IReadOnlyList<string> Registered { get; init; } = [];

    /// <summary>The setting's name in <c>hub_settings</c>.</summary>
    internal const string SettingName = "directory.routing";

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>The platforms to try for a person, in order, for a notification of <paramref name="type"/>.</summary>
    public IReadOnlyList<string> OrderFor(string? preferred, string? type)
    {
        if (type is not null && Types.TryGetValue(type, out var forType) && forType.Count > 0)
        {
            return forType;
        }

        var order = Order ?? Registered;
        return preferred is not null && Registered.Contains(preferred)
            ? [preferred, .. order.Where(p => p != preferred)]
            : order;
    }

    /// <summary>What is wrong with the settings, as (field, message); empty when they can be stored.</summary>
    /// <param name="appNames">The apps named in <see cref="Apps"/> that exist on the platform they are named for.</param>
    /// <param name="takingAnApp">The platforms whose sending app is chosen here (those without a default app), in order.</param>
    /// <param name="withDefaultApp">The platforms whose default app sends (the notification's own app, or the default one).</param>
    /// <param name="platforms">The person's platforms the orders may name.</param>
    internal IReadOnlyList<(string Field, string Message)> Problems(IReadOnlyCollection<string> appNames, IReadOnlyList<string> takingAnApp, IReadOnlyList<string> withDefaultApp, PersonPlatforms platforms)
    {
        var problems = new List<(string, string)>();
        CheckOrder("order", Order, platforms, problems);
        foreach (var (platform, app) in Apps)
        {
            if (!takingAnApp.Contains(platform))
            {
                problems.Add(($"apps.{platform}", $"Only {string.Join(" and ", takingAnApp)} take an app here ({string.Join(" and ", withDefaultApp.Select(platforms.Display))} sends with the notification's app, or the default app)."));
            }
            else if (!appNames.Contains(app))
            {
                problems.Add(($"apps.{platform}", $"The Hub has no {platforms.Display(platform)} app named '{app}'."));
            }
        }

        foreach (var (type, order) in Types)
        {
            CheckOrder($"types.{type}", order, platforms, problems);
        }

        return problems;
    }

    private static void CheckOrder(string field, IReadOnlyList<string>? order, PersonPlatforms platforms, List<(string, string)> problems)
    {
        if (order is null || order.Count == 0)
        {
            problems.Add((field, $"A list of platforms: {platforms.Listed} (at least one)."));
            return;
        }

        for (var i = 0; i < order.Count; i++)
        {
            if (!platforms.IsKnown(order[i]))
            {
                problems.Add(($"{field}[{i}]", $"'{order[i]}' is not a platform: {platforms.ListedOr}."));
            }
            else if (order.Take(i).Contains(order[i]))
            {
                problems.Add(($"{field}[{i}]", $"'{order[i]}' is named twice."));
            }
        }
    }
}
