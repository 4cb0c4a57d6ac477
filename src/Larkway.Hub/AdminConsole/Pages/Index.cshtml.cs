using Larkway.Hub.Monitoring;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class IndexModel(ConsoleQueries queries, MonitoringDashboard dashboard, AssistantConsoleQueries assistants) : PageModel
{
    public DashboardCounts? Counts { get; private set; }

    /// <summary>The assistants' last hour, from their turns as stored.</summary>
    public AssistantLastHour? Assistants { get; private set; }

    public DashboardView? View { get; private set; }

    /// <summary><c>hour</c> (default) or <c>day</c>: the charts' span. Anything else is the default.</summary>
    [BindProperty(SupportsGet = true, Name = "range")]
    public string? Range { get; set; }

    public async Task OnGetAsync()
    {
        var range = string.Equals(Range, "day", StringComparison.OrdinalIgnoreCase) ? DashboardRange.Day : DashboardRange.Hour;
        Counts = await queries.CountsAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        View = await dashboard.ReadAsync(range, HttpContext.RequestAborted).ConfigureAwait(false);
        Assistants = await assistants.LastHourAsync(HttpContext.RequestAborted).ConfigureAwait(false);
    }

    public static string StatusClass(MetricStatus status) => status switch
    {
        MetricStatus.Met => "metric-met",
        MetricStatus.Breached => "metric-breached",
        MetricStatus.NotApplicable => "metric-na",
        MetricStatus.TooFewSamples => "metric-few",
        _ => "metric-nodata",
    };

    public static string StatusText(MetricStatus status) => status switch
    {
        MetricStatus.Met => "OK",
        MetricStatus.Breached => "Breached",
        MetricStatus.NotApplicable => "Not applicable",
        MetricStatus.TooFewSamples => "Too few samples",
        _ => "No data",
    };
}
