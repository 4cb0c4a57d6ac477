using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 16 §2, the Emulator's Bitable grid in Chromium: a user adds a row, changes a cell and deletes a row of a seeded
/// base; each edit is in the base (read back through the Open API) and raised drive.file.bitable_record_changed_v1 for the
/// subscribed app. Screenshots at 1280 and 800 px (artifacts/screenshots).
/// </summary>
public sealed class BitableBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string RecordChanged = "drive.file.bitable_record_changed_v1";

    [Fact]
    public async Task A_user_adds_changes_and_deletes_rows_in_the_grid_and_each_edit_fires_the_record_event()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        string appToken;
        using (var seeded = await http.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Purchase orders",
            user = "carol@example.com",
            tables = new[]
            {
                new
                {
                    name = "Orders",
                    fields = new object[]
                    {
                        new { field_name = "Order", type = 1 },
                        new { field_name = "Amount", type = 2 },
                        new { field_name = "Status", type = 3, property = new { options = new[] { new { name = "Open" }, new { name = "Paid" } } } },
                        new { field_name = "Urgent", type = 7 },
                        new { field_name = "Owner", type = 11 },
                        new { field_name = "Updated", type = 1002 },
                    },
                    records = new object[]
                    {
                        // Dictionaries: the JSON defaults would camel-case property names, and field names are exact.
                        new Dictionary<string, object> { ["Order"] = "PO-1", ["Amount"] = 120, ["Status"] = "Open", ["Owner"] = new[] { new { id = "bob@example.com" } } },
                        new Dictionary<string, object> { ["Order"] = "PO-2", ["Amount"] = 80, ["Status"] = "Paid" },
                    },
                },
            },
        }))
        {
            var json = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement;
            json.GetProperty("code").GetInt32().ShouldBe(0, json.ToString());
            appToken = json.GetProperty("data").GetProperty("app_token").GetString()!;
        }

        // The app subscribes to the base (its events wait for a long connection; the delivery log records them).
        using (var mode = await http.PutAsJsonAsync($"/_emulator/apps/{EmulatorOptions.DefaultAppId}/event-subscription", new { mode = "long-connection" }))
        {
            mode.EnsureSuccessStatusCode();
        }

        var token = await TenantTokenAsync(http);
        using (var subscribe = new HttpRequestMessage(HttpMethod.Post, $"/open-apis/drive/v1/files/{appToken}/subscribe?file_type=bitable") { Content = JsonContent.Create(new { }) })
        {
            subscribe.Headers.Authorization = new("Bearer", token);
            using var reply = await http.SendAsync(subscribe);
            reply.EnsureSuccessStatusCode();
        }

        var alice = emulator.State.Users.Single(u => u.Email == "alice@example.com");
        var page = await browser.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/bitable/{appToken}?as={alice.OpenId}").ToString());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Purchase orders");
        await Assertions.Expect(page.Locator("tr[data-record-id]")).ToHaveCountAsync(2);
        await Screenshots.SaveWidthsAsync(page, "emulator-bitable-grid");

        // Add a row.
        var newRow = page.Locator("tr.new-row");
        await newRow.GetByLabel("Order").FillAsync("PO-3");
        await newRow.GetByLabel("Amount").FillAsync("42.5");
        await newRow.GetByLabel("Status").FillAsync("Open");
        await newRow.GetByLabel("Urgent").CheckAsync();
        await newRow.GetByLabel("Owner").FillAsync("Dave Zhang");
        await newRow.GetByRole(AriaRole.Button, new() { Name = "Add row" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash-success")).ToContainTextAsync("Added row rec");
        await Assertions.Expect(page.Locator("tr[data-record-id]")).ToHaveCountAsync(3);

        // Change PO-1's amount.
        var first = page.Locator("tr[data-record-id]").First;
        await first.GetByLabel("Amount").FillAsync("150");
        await first.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash-success")).ToContainTextAsync("Saved row");
        await Assertions.Expect(page.Locator("tr[data-record-id]").First.GetByLabel("Amount")).ToHaveValueAsync("150");

        // A value the field refuses comes back as a notice with the code.
        await page.Locator("tr[data-record-id]").First.GetByLabel("Amount").FillAsync("a lot");
        await page.Locator("tr[data-record-id]").First.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash-error")).ToContainTextAsync("1254061");
        await Screenshots.SaveWidthsAsync(page, "emulator-bitable-refused");

        // Delete PO-2.
        await page.Locator("tr[data-record-id]").Nth(1).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash-success")).ToContainTextAsync("Deleted row");
        await Assertions.Expect(page.Locator("tr[data-record-id]")).ToHaveCountAsync(2);
        await Screenshots.SaveWidthsAsync(page, "emulator-bitable-edited");

        // The base holds the edits, as the Open API reads them.
        using var search = new HttpRequestMessage(HttpMethod.Post, $"/open-apis/bitable/v1/apps/{appToken}/tables/{TableIdOf(page.Url)}/records/search") { Content = JsonContent.Create(new { sort = new[] { new { field_name = "Order" } } }) };
        search.Headers.Authorization = new("Bearer", token);
        using var found = await http.SendAsync(search);
        var items = JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("items");
        items.EnumerateArray().Select(i => i.GetProperty("fields").GetProperty("Amount").GetDouble()).ShouldBe([150, 42.5]);
        items[1].GetProperty("fields").GetProperty("Urgent").GetBoolean().ShouldBeTrue();

        // Three edits, three record events (the refused one raised none).
        emulator.Deliveries.Events.Count(e => e.EventType == RecordChanged).ShouldBe(3);
        await page.CloseAsync();
    }

    private static string TableIdOf(string url) => Uri.UnescapeDataString(url.Split("table=")[1].Split('&')[0]);

    private static async Task<string> TenantTokenAsync(HttpClient http)
    {
        using var reply = await http.PostAsJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = EmulatorOptions.DefaultAppId, app_secret = EmulatorOptions.DefaultDevSecret });
        return JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement.GetProperty("tenant_access_token").GetString()!;
    }
}
