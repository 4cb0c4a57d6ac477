using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>The apps the Hub serves, with the URLs for the developer console; switch on/off and test connection.</summary>
internal sealed class AppsIndexModel(HubAppService apps, IAuditLog audit) : ConsolePageModel(audit)
{
    public IReadOnlyList<HubAppInfo> Apps { get; private set; } = [];

    /// <summary>The app the last "Test connection" was for, and its outcome.</summary>
    public string? TestedApp { get; private set; }

    public HubAppTestResult? TestResult { get; private set; }

    /// <summary>The tested app's platform as people write it (whose support a log id is quoted to).</summary>
    public string TestedPlatform => HubAppPlatform.Display(Apps.FirstOrDefault(a => a.Name == TestedApp)?.Platform);

    /// <summary>Where Feishu reaches this Hub, as the browser called it (behind a proxy: the public host name).</summary>
    /// <summary>Where Feishu reaches the Hub: <c>LARKWAY_PUBLIC_URL</c>, else this request's origin.</summary>
    public string Origin => (HttpContext.RequestServices.GetService<Larkway.Hub.Platform.Configuration.HubSettings>() ?? new Larkway.Hub.Platform.Configuration.HubSettings()).OriginFor(Request);

    /// <summary>Where each enabled DingTalk app's Stream connection stands, by app name (empty where the room is absent).</summary>
    public IReadOnlyDictionary<string, DingTalk.DingTalkStreamState> Streams { get; private set; } = new Dictionary<string, DingTalk.DingTalkStreamState>();

    /// <summary>Where each enabled WeCom app's AI bot connection stands, by app name (empty where the room is absent).</summary>
    public IReadOnlyDictionary<string, WeCom.AiBot.WeComAiBotState> AiBots { get; private set; } = new Dictionary<string, WeCom.AiBot.WeComAiBotState>();

    public async Task OnGetAsync()
    {
        Apps = await apps.ListAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        if (HttpContext.RequestServices.GetService<WeCom.AiBot.WeComAiBotStates>() is { } aiBotStates)
        {
            var aiBots = new Dictionary<string, WeCom.AiBot.WeComAiBotState>(StringComparer.Ordinal);
            foreach (var app in Apps.Where(a => a is { IsWeCom: true, Enabled: true, AiBotId: not null }))
            {
                aiBots[app.Name] = await aiBotStates.OfAsync(app.Name, app.AiBotId!, HttpContext.RequestAborted).ConfigureAwait(false);
            }

            AiBots = aiBots;
        }

        if (HttpContext.RequestServices.GetService<DingTalk.DingTalkStreamStates>() is { } states)
        {
            var streams = new Dictionary<string, DingTalk.DingTalkStreamState>(StringComparer.Ordinal);
            foreach (var app in Apps.Where(a => a is { IsDingTalk: true, Enabled: true }))
            {
                streams[app.Name] = await states.OfAsync(app.Name, app.AppId, HttpContext.RequestAborted).ConfigureAwait(false);
            }

            Streams = streams;
        }
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
