using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Larkway.Bench.Assistant;

/// <summary>One inbox event as the Hub's events API lists it (<c>GET /api/v1/events</c>), with what the bench reads of it.</summary>
internal sealed record InboxEventRow(long Id, string App, string Type, string Status, int Attempts, string? LastError);

/// <summary>
/// The Hub's inbox read through its admin API, as an operator sees it (the builds before and after a change answer it
/// alike): the events of a type, and how many wait in each unfinished state.
/// </summary>
internal static class InboxEvents
{
    /// <summary>The unfinished states, as the API names them: never handled, being handled, failed and waiting for a retry.</summary>
    private static readonly string[] Unfinished = ["pending", "in_progress", "failed"];

    /// <summary>Every stored event of <paramref name="type"/> (or of any type), newest first, page by page.</summary>
    public static async Task<List<InboxEventRow>> ListAsync(HttpClient admin, string? type = null, string? status = null)
    {
        var rows = new List<InboxEventRow>();
        string? before = null;
        do
        {
            var query = new StringBuilder("/api/v1/events?limit=1000");
            if (type is not null)
            {
                query.Append("&type=").Append(Uri.EscapeDataString(type));
            }

            if (status is not null)
            {
                query.Append("&status=").Append(status);
            }

            if (before is not null)
            {
                query.Append("&before=").Append(before);
            }

            using var page = JsonDocument.Parse(await admin.GetStringAsync(query.ToString()));
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
            {
                rows.Add(new InboxEventRow(
                    item.GetProperty("id").GetInt64(),
                    item.GetProperty("app").GetString()!,
                    item.GetProperty("event_type").GetString()!,
                    Normal(item.GetProperty("status").GetString()!),
                    item.GetProperty("attempts").GetInt32(),
                    item.TryGetProperty("last_error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : null));
            }

            before = page.RootElement.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.Number
                ? next.GetInt64().ToString(CultureInfo.InvariantCulture)
                : null;
        }
        while (before is not null);

        return rows;
    }

    /// <summary>The unfinished events at this moment: how many in each state, and of them how many of <paramref name="app"/>.</summary>
    public static async Task<InboxBacklog> BacklogAsync(HttpClient admin, string app)
    {
        var counts = new Dictionary<string, (int All, int OfApp)>(StringComparer.Ordinal);
        string? appError = null;
        foreach (var status in Unfinished)
        {
            var events = await ListAsync(admin, status: status);
            counts[status] = (events.Count, events.Count(e => e.App == app));
            appError ??= events.FirstOrDefault(e => e.App == app && e.LastError is not null)?.LastError;
        }

        return new InboxBacklog(counts, appError);
    }

    // The API writes its statuses in snake case; an older build may differ in case only.
    private static string Normal(string status) => status.ToLowerInvariant();
}

/// <summary>Unfinished inbox events by state (all apps, and one app's), with one of that app's last errors.</summary>
internal sealed record InboxBacklog(IReadOnlyDictionary<string, (int All, int OfApp)> Counts, string? AppLastError)
{
    /// <summary>"pending 0, in_progress 1, failed (retrying) 20 (disabled app: 20)".</summary>
    public string Describe(string appLabel) => string.Join(", ", Counts.Select(c =>
        string.Create(CultureInfo.InvariantCulture, $"{(c.Key == "failed" ? "failed (retrying)" : c.Key)} {c.Value.All} ({appLabel}: {c.Value.OfApp})")));

    /// <summary>The app's events waiting for a retry.</summary>
    public int AppRetrying => Counts.TryGetValue("failed", out var failed) ? failed.OfApp : 0;
}
