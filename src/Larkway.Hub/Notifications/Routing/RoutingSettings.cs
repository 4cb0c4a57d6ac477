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
    /// <summary>The order used after a person's preferred platform; the first that reaches them and accepts wins.</summary>
    [JsonPropertyName("order")]
    public IReadOnlyList<string> Order { get; init; } = PersonPlatform.All;

    /// <summary>The Hub app that sends on DingTalk / WeCom (by platform); unset: the only enabled app of that platform.</summary>
    [JsonPropertyName("apps")]
    public IReadOnlyDictionary<string, string> Apps { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Per notification type, the platform order that replaces the person's preference (platforms left out are not used for it).</summary>
    [JsonPropertyName("types")]
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Types { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

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

        return preferred is not null && PersonPlatform.IsKnown(preferred)
            ? [preferred, .. Order.Where(p => p != preferred)]
            : Order;
    }

    /// <summary>What is wrong with the settings, as (field, message); empty when they can be stored.</summary>
    /// <param name="appNames">The apps named in <see cref="Apps"/> that exist on the platform they are named for.</param>
    /// <param name="takingAnApp">The platforms whose sending app is chosen here (those without a default app), in order.</param>
    /// <param name="withDefaultApp">The platforms whose default app sends (the notification's own app, or the default one).</param>
    public IReadOnlyList<(string Field, string Message)> Problems(IReadOnlyCollection<string> appNames, IReadOnlyList<string> takingAnApp, IReadOnlyList<string> withDefaultApp)
    {
        var problems = new List<(string, string)>();
        CheckOrder("order", Order, problems, allowEmpty: false);
        foreach (var (platform, app) in Apps)
        {
            if (!takingAnApp.Contains(platform))
            {
                problems.Add(($"apps.{platform}", $"Only {string.Join(" and ", takingAnApp)} take an app here ({string.Join(" and ", withDefaultApp.Select(PersonPlatform.Display))} sends with the notification's app, or the default app)."));
            }
            else if (!appNames.Contains(app))
            {
                problems.Add(($"apps.{platform}", $"The Hub has no {PersonPlatform.Display(platform)} app named '{app}'."));
            }
        }

        foreach (var (type, order) in Types)
        {
            CheckOrder($"types.{type}", order, problems, allowEmpty: false);
        }

        return problems;
    }

    private static void CheckOrder(string field, IReadOnlyList<string>? order, List<(string, string)> problems, bool allowEmpty)
    {
        if (order is null || (!allowEmpty && order.Count == 0))
        {
            problems.Add((field, "A list of platforms: feishu, dingtalk, wecom (at least one)."));
            return;
        }

        for (var i = 0; i < order.Count; i++)
        {
            if (!PersonPlatform.IsKnown(order[i]))
            {
                problems.Add(($"{field}[{i}]", $"'{order[i]}' is not a platform: feishu, dingtalk or wecom."));
            }
            else if (order.Take(i).Contains(order[i]))
            {
                problems.Add(($"{field}[{i}]", $"'{order[i]}' is named twice."));
            }
        }
    }
}
