using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Apps;

/// <summary>What the Hub does with an app; each feature needs some Feishu scopes.</summary>
[Flags]
public enum HubAppFeatures
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>The Hub's bot answers messages (commands, conversations) and updates its cards. Default app only, today.</summary>
    Bot = 1,

    /// <summary>Notifications: the Hub sends cards and texts to users and chats as the bot.</summary>
    Notifications = 2,

    /// <summary>Notification recipients given by email are looked up (contact <c>batch_get_id</c>).</summary>
    EmailLookup = 4,

    /// <summary>Events and card actions are received and forwarded to webhook subscribers.</summary>
    Events = 8,
}

/// <summary>One scope to enable in the developer console (Permissions &amp; Scopes), and why.</summary>
/// <param name="Scope">The scope's identifier, e.g. <c>im:message:send_as_bot</c>.</param>
/// <param name="Title">Its name in the console (English).</param>
/// <param name="Reason">What in the Hub needs it.</param>
/// <param name="Features">The features (snake_case) that need it.</param>
/// <param name="Confirmed">True when the identifier was checked against Feishu's API reference; false means "verify in the console".</param>
public sealed record HubAppScope(string Scope, string Title, string Reason, IReadOnlyList<string> Features, bool Confirmed);

/// <summary>
/// The scopes (or settings) an app needs for what the Hub does with it. Each platform's table comes from its
/// <see cref="HubPlatformInfo.Scopes"/>; here they are merged per feature.
/// </summary>
public static class HubAppScopes
{
    /// <summary>What the Hub does with an app, as its platform says (<see cref="HubAppInfo.Features"/>).</summary>
    public static HubAppFeatures FeaturesOf(HubAppInfo app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Features;
    }

    /// <summary>The scopes of <paramref name="table"/> that <paramref name="features"/> need, each once, with every reason and feature that needs it.</summary>
    public static IReadOnlyList<HubAppScope> For(IReadOnlyList<HubAppScopeRow> table, HubAppFeatures features)
    {
        ArgumentNullException.ThrowIfNull(table);
        return
        [
            .. table.Where(row => features.HasFlag(row.Feature))
                .GroupBy(row => row.Scope, StringComparer.Ordinal)
                .Select(group => new HubAppScope(
                    group.Key,
                    group.First().Title,
                    string.Join(" ", group.Select(row => row.Reason).Distinct(StringComparer.Ordinal)),
                    [.. group.Select(row => FeatureName(row.Feature)).Distinct(StringComparer.Ordinal)],
                    group.All(row => row.Confirmed))),
        ];
    }

    /// <summary>The wire name of a single feature.</summary>
    public static string FeatureName(HubAppFeatures feature) => WireName<HubAppFeatures>.Of(feature);

    /// <summary>The wire names of the features set in <paramref name="features"/>.</summary>
    public static IReadOnlyList<string> FeatureNames(HubAppFeatures features) =>
        [.. Enum.GetValues<HubAppFeatures>().Where(f => f != HubAppFeatures.None && features.HasFlag(f)).Select(FeatureName)];
}
