using Larkway.Hub.Platform.Units;
using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>The apps the Hub serves, with the URLs for the developer console; switch on/off and test connection.</summary>
internal sealed class AppsIndexModel(HubAppService apps, IAuditLog audit, PlatformPieces<ILongConnectionStates> connections) : ConsolePageModel(audit)
{
    /// <summary>The URL cell of an app whose platform's room is not added: the common Events URL and Card URL.</summary>
    public string DefaultUrls => "/AdminConsole/Pages/Apps/_AppUrls.cshtml";

    public IReadOnlyList<HubAppInfo> Apps { get; private set; } = [];

    /// <summary>The app the last "Test connection" was for, and its outcome.</summary>
    public string? TestedApp { get; private set; }

    public HubAppTestResult? TestResult { get; private set; }

    /// <summary>The tested app's platform as people write it (whose support a log id is quoted to).</summary>
    public string TestedPlatform => apps.Platforms.Display(Apps.FirstOrDefault(a => a.Name == TestedApp)?.Platform);

    /// <summary>The app's platform as the console names it (an unknown one as stored).</summary>
    public string PlatformOf(HubAppInfo app) => app.PlatformInfo?.ConsoleName ?? HubAppPlatform.Of(app.Platform);

    /// <summary>How the app's platform names its secrets (the common words for a platform whose room is not added).</summary>
    public HubAppFormLabels LabelsOf(HubAppInfo app) => app.PlatformInfo?.FormLabels ?? HubAppFormLabels.Common;

    /// <summary>Where Feishu reaches this Hub, as the browser called it (behind a proxy: the public host name).</summary>
    /// <summary>Where Feishu reaches the Hub: <c>LARKWAY_PUBLIC_URL</c>, else this request's origin.</summary>
    public string Origin => (HttpContext.RequestServices.GetService<Larkway.Hub.Platform.Configuration.HubSettings>() ?? new Larkway.Hub.Platform.Configuration.HubSettings()).OriginFor(Request);

    /// <summary>
    /// Where each app's long connections stand, by app name, as its platform's room tells it (DingTalk's Stream, WeCom's AI
    /// bot): an app without one, or whose platform's room is absent, has no entry.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LongConnectionLine>> Connections { get; private set; } = new Dictionary<string, IReadOnlyList<LongConnectionLine>>();

    /// <summary>The lines of <paramref name="app"/>'s long connections (none for most apps).</summary>
    public IReadOnlyList<LongConnectionLine> ConnectionsOf(HubAppInfo app) => Connections.GetValueOrDefault(app.Name, []);

    public async Task OnGetAsync()
    {
        Apps = await apps.ListAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        var lines = new Dictionary<string, IReadOnlyList<LongConnectionLine>>(StringComparer.Ordinal);
        foreach (var app in Apps)
        {
            var platform = HubAppPlatform.Of(app.Platform);
            var mine = new List<LongConnectionLine>();
            foreach (var room in connections.Of(platform))
            {
                if (await room.LineAsync(app, HttpContext.RequestAborted).ConfigureAwait(false) is { } line)
                {
                    mine.Add(line);
                }
            }

            if (mine.Count > 0)
            {
                lines[app.Name] = mine;
            }
        }

        Connections = lines;
    }

    public async Task<IActionResult> OnPostTestAsync(string name)
    {
        var result = await apps.TestConnectionAsync(name ?? "", HttpContext.RequestAborted).ConfigureAwait(false);
        if (result is null)
        {
            return NotFound();
        }

        await AuditAsync("app.test", name!, Details(("ok", result.Ok ? "true" : "false"), ("code", result.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ConfigureAwait(false);
        (TestedApp, TestResult) = (name, result);
        await OnGetAsync().ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostEnabledAsync(string name, bool enabled)
    {
        var change = await apps.UpdateAsync(name ?? "", new HubAppInput { Enabled = enabled }, HttpContext.RequestAborted).ConfigureAwait(false);
        if (change.Status == HubAppChangeStatus.NotFound)
        {
            return NotFound();
        }

        if (change.Status != HubAppChangeStatus.Ok)
        {
            Flash(string.Join(" ", change.Problems.Select(p => p.Message)));
            return RedirectToPage();
        }

        await AuditAsync(enabled ? "app.enable" : "app.disable", name!).ConfigureAwait(false);
        Flash($"App {name} {(enabled ? "enabled" : "disabled")}.");
        return RedirectToPage();
    }
}

/// <summary>What an Apps list's URL cell (<see cref="HubPlatformInfo.ConsoleUrls"/>) shows: the app, and the origin the platform reaches the Hub at.</summary>
internal sealed record AppUrlsView(HubAppInfo App, string Origin);
