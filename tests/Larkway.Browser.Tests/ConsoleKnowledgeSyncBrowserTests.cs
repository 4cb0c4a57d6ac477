using System.Net;
using System.Net.Http.Json;
using Larkway.Emulator.AiBackend;
using Larkway.Emulator.Seed;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// A wiki space connected to a Dify knowledge base, as an administrator follows it in the console: Dify's plan is full
/// after three documents, so the fourth is refused and shown failed with Dify's reason while the others are pushed; the
/// plan is raised, the administrator runs a full pass from the console, and every guide is pushed. Pause and resume are
/// buttons there too.
/// Screenshots: artifacts/screenshots/console-knowledge-sync-failed-1280.png, console-knowledge-sync-1280.png,
/// console-knowledge-syncs-1280.png.
/// </summary>
public sealed class ConsoleKnowledgeSyncBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string DatasetId = "0b9c7e4e-3f7a-4c55-9a51-2d0c1e6f4a10";

    [Fact]
    public async Task A_document_Dify_refuses_is_shown_failed_with_the_reason_and_a_full_pass_from_the_console_pushes_it_once_Dify_takes_it()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var emulator = hub.Host.Emulator!;
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        await LimitDocumentsAsync(control, 3);

        // A knowledge base of its own (the sandbox's already holds the guides its own sync pushed).
        using (var dataset = await control.PostAsJsonAsync("/_emulator/ai/knowledge/datasets", new { name = "Support wiki", id = DatasetId }))
        {
            dataset.StatusCode.ShouldBe(HttpStatusCode.OK, await dataset.Content.ReadAsStringAsync());
        }

        using var admin = hub.Api(ConsoleHub.AdminKey);
        using (var created = await admin.PostAsJsonAsync("/api/v1/knowledge-syncs", new
        {
            name = "Guides",
            space_id = DefaultDocs.GuidesSpaceId,
            dify = new { dataset_id = DatasetId, api_key = AiBackendOptions.DefaultDifyDatasetKey, base_url = new Uri(emulator.BaseUrl, "dify/v1").AbsoluteUri },
        }))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        await hub.SignInAsync();
        await Menu.GoToAsync(page, "Knowledge syncs");
        await page.GetByRole(AriaRole.Link, new() { Name = "Guides", Exact = true }).ClickAsync();
        var failed = page.Locator("#documents tr[data-state='failed']");
        var pushed = page.Locator("#documents tr[data-state='pushed']");
        await UntilShownAsync(page, async () => await failed.CountAsync() == 1 && await pushed.CountAsync() == 3, "three guides pushed and the fourth refused by Dify");
        await Assertions.Expect(failed).ToContainTextAsync("limit of your subscription");
        await Assertions.Expect(page.Locator("#sync-counts")).ToContainTextAsync("3 pushed, 1 failed");
        await Screenshots.SaveAsync(page, "console-knowledge-sync-failed-1280");

        // The plan is raised; a full pass from the console pushes the refused guide, once.
        await LimitDocumentsAsync(control, null);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run a full pass now" }).ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("A full pass runs now.");
        await UntilShownAsync(page, async () => await failed.CountAsync() == 0 && await pushed.CountAsync() == 4, "all four guides pushed after the full pass");
        using (var datasets = await control.GetAsync("/_emulator/ai/knowledge/datasets"))
        {
            using var held = System.Text.Json.JsonDocument.Parse(await datasets.Content.ReadAsStringAsync());
            var names = held.RootElement.GetProperty("items").EnumerateArray().Single(d => d.GetProperty("id").GetString() == DatasetId)
                .GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToList();
            names.Count.ShouldBe(4, string.Join(", ", names));
            foreach (var token in new[] { DefaultDocs.ProductFaqDocument, DefaultDocs.ReleaseNotesDocument, DefaultDocs.SupportHoursDocument, DefaultDocs.WritingGuideDocument })
            {
                names.Count(n => n.Contains(token, StringComparison.Ordinal)).ShouldBe(1, $"{token} in the knowledge base once");
            }
        }

        await Screenshots.SaveAsync(page, "console-knowledge-sync-1280");

        // Pause and resume.
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(page.Locator("#sync-state")).ToHaveTextAsync("paused");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Resumed: a full pass runs now.");
        await Assertions.Expect(page.Locator("#sync-state")).Not.ToHaveTextAsync("paused");

        await Menu.GoToAsync(page, "Knowledge syncs");
        await Assertions.Expect(page.Locator("#syncs tr[data-sync]", new() { HasText = DatasetId })).ToContainTextAsync("Guides");
        await Screenshots.SaveAsync(page, "console-knowledge-syncs-1280");
    }

    /// <summary>Reloads the sync's page until <paramref name="shown"/>; a timeout names what the page showed last.</summary>
    private static async Task UntilShownAsync(IPage page, Func<Task<bool>> shown, string what)
    {
        try
        {
            await Wait.UntilAsync(async () =>
            {
                await page.ReloadAsync();
                return await shown();
            }, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} The page at {page.Url} showed: {await page.Locator("main").InnerTextAsync()}", ex);
        }
    }

    /// <summary>Dify's plan: at most <paramref name="documents"/> documents in a knowledge base (null: no limit).</summary>
    private static async Task LimitDocumentsAsync(HttpClient control, int? documents)
    {
        using var limits = await control.PutAsJsonAsync("/_emulator/ai/knowledge/limits", new { max_documents = documents });
        limits.StatusCode.ShouldBe(HttpStatusCode.OK, await limits.Content.ReadAsStringAsync());
    }
}
