using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>The console's menu as a person uses it: its pages sit in groups (dropdowns) of the bar.</summary>
internal static class Menu
{
    /// <summary>Opens the group holding the page called <paramref name="link"/> and follows the link.</summary>
    public static async Task GoToAsync(IPage page, string link)
    {
        var group = Groups(page).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true, IncludeHidden = true }) });
        await group.Locator("summary").ClickAsync();
        await group.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
    }

    /// <summary>The menu's groups.</summary>
    public static ILocator Groups(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).Locator("details.nav-group");
}
