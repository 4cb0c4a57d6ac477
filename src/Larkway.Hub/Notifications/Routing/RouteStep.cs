using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Hub.Notifications.Routing;

/// <summary>
/// One platform routing considered for a person, and how it ended there: <see cref="Refused"/> with the platform's code,
/// skipped (<see cref="AppOff"/>, <see cref="NoAccount"/>), or — the step the delivery is on now — no outcome yet, which
/// the status API fills with the delivery's own status.
/// </summary>
internal sealed record RouteStep(string Platform, string? Outcome = null, int? Code = null)
{
    /// <summary>The platform refused the person for good (with its code); the delivery moved on.</summary>
    public const string Refused = "refused";

    /// <summary>Skipped: the Hub has no enabled app of that platform to send with (none added, or it is off).</summary>
    public const string AppOff = "app_off";

    /// <summary>Skipped: the person has no account there the Hub knows or can look up (no link, email or mobile).</summary>
    public const string NoAccount = "no_account";

    /// <summary>The steps as stored on the delivery: a JSON array, in the order considered.</summary>
    public static string Write(IEnumerable<RouteStep> steps)
    {
        var array = new JsonArray();
        foreach (var step in steps)
        {
            var o = new JsonObject { ["platform"] = step.Platform };
            if (step.Outcome is not null)
            {
                o["outcome"] = step.Outcome;
            }

            if (step.Code is { } code)
            {
                o["code"] = code;
            }

            array.Add(o);
        }

        return array.ToJsonString();
    }

    /// <summary>
    /// The stored steps. The comma-separated list of refused platforms stored before steps were kept reads as those
    /// refusals followed by the current platform (unknown then, so left out).
    /// </summary>
    public static IReadOnlyList<RouteStep> Read(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return [];
        }

        if (!stored.StartsWith('['))
        {
            return [.. stored.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => new RouteStep(p, Refused))];
        }

        try
        {
            return [.. (JsonNode.Parse(stored) as JsonArray ?? []).OfType<JsonObject>().Select(o => new RouteStep(
                o["platform"]?.GetValue<string>() ?? "",
                o["outcome"]?.GetValue<string>(),
                o["code"]?.GetValue<int>()))];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
