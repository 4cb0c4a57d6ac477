using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Notifications.Routing;

/// <summary>
/// One platform routing considered for a person, and how it ended there: <see cref="Refused"/> with the platform's code
/// as it gave it (a JSON token: <c>81013</c>, <c>"Forbidden.AccessDenied"</c>), its message and request id; skipped
/// (<see cref="AppOff"/>, <see cref="NoAccount"/>); or — the step the delivery is on now — no outcome yet, which the status
/// API fills with the delivery's own status.
/// </summary>
internal sealed record RouteStep(string Platform, string? Outcome = null, string? Code = null, string? Message = null, string? RequestId = null)
{
    /// <summary>The platform refused the person for good (with its code); the delivery moved on.</summary>
    public const string Refused = "refused";

    /// <summary>Skipped: the Hub has no enabled app of that platform to send with (none added, or it is off).</summary>
    public const string AppOff = "app_off";

    /// <summary>Skipped: the person has no account there the Hub knows or can look up (no link, email or mobile).</summary>
    public const string NoAccount = "no_account";

    /// <summary>Longest message a step keeps (the steps share one column).</summary>
    private const int MaxMessageLength = 200;

    /// <summary>A refusal on <paramref name="platform"/>, with the failure it was refused with when known.</summary>
    public static RouteStep RefusedWith(string platform, PlatformFailure? failure) => failure is null
        ? new(platform, Refused)
        : new(platform, Refused, failure.Code, failure.Message.Length <= MaxMessageLength ? failure.Message : failure.Message[..MaxMessageLength], failure.RequestId);

    /// <summary>The failure this step was refused with, in the shape every platform's failure has; null without a code.</summary>
    public PlatformFailure? Failure => Code is null ? null : PlatformFailure.Read(Platform, Code, null, Message, RequestId);

    /// <summary>
    /// The steps as stored on the delivery: a JSON array, in the order considered. Should the messages make it longer than
    /// the column, they are left out (the codes stay).
    /// </summary>
    public static string Write(IEnumerable<RouteStep> steps)
    {
        var list = steps.ToList();
        var written = Write(list, messages: true);
        return written.Length <= NotificationDeliveryRow.MaxPlatformsTriedLength ? written : Write(list, messages: false);
    }

    private static string Write(IEnumerable<RouteStep> steps, bool messages)
    {
        var array = new JsonArray();
        foreach (var step in steps)
        {
            var o = new JsonObject { ["platform"] = step.Platform };
            if (step.Outcome is not null)
            {
                o["outcome"] = step.Outcome;
            }

            if (step.Code is { } code && Token(code) is { } token)
            {
                o["code"] = token;
            }

            if (messages && step.Message is { } message)
            {
                o["message"] = message;
            }

            if (messages && step.RequestId is { } requestId)
            {
                o["request_id"] = requestId;
            }

            array.Add(o);
        }

        return array.ToJsonString();
    }

    private static JsonNode? Token(string code)
    {
        try
        {
            return JsonNode.Parse(code);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The stored steps. The comma-separated list of refused platforms stored before steps were kept reads as those
    /// refusals followed by the current platform (unknown then, so left out); a step stored before codes were kept as the
    /// platform gave them has its number.
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
                o["code"]?.ToJsonString(),
                o["message"]?.GetValue<string>(),
                o["request_id"]?.GetValue<string>()))];
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return [];
        }
    }
}
