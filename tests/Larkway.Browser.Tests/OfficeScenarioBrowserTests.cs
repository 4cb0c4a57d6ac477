using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Hub.Webhooks;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 15 §6, the office-software scenario end to end: an internal web app (<see cref="TimesheetsApp"/>, ASP.NET Core's
/// OpenID Connect handler) sends a person to the Hub, who signs in with Feishu on the Emulator's authorize page and lands
/// back with the Hub's claims — the same person the directory holds; a notification to their email arrives in their
/// chat; signed out, they come back once through Feishu's QR login; when they leave the company (resigned in the
/// Emulator) the directory webhook fires, their Hub session ends, the app's next refresh signs them out, and they cannot
/// sign in again.
/// Screenshots: artifacts/screenshots/office-*.png.
/// </summary>
public sealed class OfficeScenarioBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_person_signs_in_to_an_internal_app_through_the_Hub_is_notified_by_email_and_loses_access_when_they_leave()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Directory:ReconcileEnabled"] = "false",
            ["Larkway:Directory:PollInterval"] = "00:00:00.100",
            ["Larkway:Webhooks:PollInterval"] = "00:00:00.100",
            ["Larkway:Notifications:PollInterval"] = "00:00:00.100",
        });
        var emulator = hub.Host.Emulator!;
        using var admin = hub.Api(ConsoleHub.AdminKey);
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var dave = emulator.State.Users.Single(u => u.Email == "dave@example.com");
        var sales = emulator.State.Departments.Single(d => d.DepartmentId == "sales").OpenDepartmentId;

        // The Hub's directory: a full sync of the tenant, then the office software's webhook for its changes.
        using (var started = await admin.PostAsync("/api/v1/directory/sync", null))
        {
            started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        }

        JsonElement run = default;
        await Wait.UntilAsync(async () => (run = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/sync?limit=1")).GetProperty("items")[0]).GetProperty("status").GetString() != "running", "the directory's full sync");
        run.GetProperty("status").GetString().ShouldBe("completed", run.ToString());
        var person = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/people?email=dave%40example.com")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        var personId = person.GetProperty("id").GetString()!;
        personId.ShouldStartWith("per_");
        await using var receiver = await CardReceiver.StartAsync("/hooks/directory");
        string webhookSecret;
        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, event_types = new[] { "directory.*" }, description = "Timesheets: people" }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
            webhookSecret = (await subscribed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        }

        // The internal app, registered with the Hub by its administrator.
        await using var app = await TimesheetsApp.StartAsync(hub.Host.BaseUrl, async address =>
        {
            using var registered = await admin.PostAsJsonAsync("/api/v1/identity/clients", new
            {
                name = "Timesheets",
                kind = "confidential",
                redirect_uris = new[] { new Uri(address, "/signin-oidc").AbsoluteUri },
                post_logout_redirect_uris = new[] { new Uri(address, "/signout-callback-oidc").AbsoluteUri },
            });
            var text = await registered.Content.ReadAsStringAsync();
            registered.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            var client = JsonDocument.Parse(text).RootElement;
            return (client.GetProperty("client_id").GetString()!, client.GetProperty("client_secret").GetString()!);
        });

        // Dave opens the app: off to the Hub's sign-in page, Sign in with Feishu, he is Dave on Feishu's page, Allow.
        var page = hub.Page;
        await page.GotoAsync(app.Url("/").AbsoluteUri);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        new Uri(page.Url).Authority.ShouldBe(hub.Host.BaseUrl.Authority);
        await Screenshots.SaveAsync(page, "office-hub-sign-in");
        await page.Locator("#feishu-sign-in").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(new Regex("^Sign in to "));
        new Uri(page.Url).Authority.ShouldBe(emulator.BaseUrl.Authority);
        await page.GetByLabel(dave.Name).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();

        // Back at the app, signed in with the Hub's claims: sub is the directory's person.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Timesheets");
        new Uri(page.Url).GetLeftPart(UriPartial.Path).ShouldBe(app.Url("/").AbsoluteUri);
        await Assertions.Expect(page.Locator("#sub")).ToHaveTextAsync(personId);
        await Assertions.Expect(page.Locator("#name")).ToHaveTextAsync(dave.Name);
        await Assertions.Expect(page.Locator("#email")).ToHaveTextAsync("dave@example.com");
        await Assertions.Expect(page.Locator("#groups")).ToHaveTextAsync(sales);
        await Assertions.Expect(page.Locator("#amr")).ToHaveTextAsync("fed");
        await Assertions.Expect(page.Locator("#refresh-token")).ToHaveTextAsync("saved");
        await Screenshots.SaveAsync(page, "office-app-signed-in");

        // The office software notifies him by email: the card arrives in his chat with the bot.
        using var sent = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "timesheet.reminder",
            idempotency_key = "timesheet-week-47-dave",
            card = new
            {
                header = new { title = new { tag = "plain_text", content = "Timesheet due" } },
                elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "Please submit your timesheet for week 47." } } },
            },
            recipients = new[] { new { email = "dave@example.com" } },
        });
        var sentText = await sent.Content.ReadAsStringAsync();
        sent.StatusCode.ShouldBe(HttpStatusCode.Accepted, sentText);
        var notification = JsonDocument.Parse(sentText).RootElement.GetProperty("id").GetString()!;
        JsonElement status = default;
        await Wait.UntilAsync(async () => (status = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{notification}")).GetProperty("status").GetString() == "sent", "the notification sent");
        var messageId = status.GetProperty("recipients").EnumerateArray().ShouldHaveSingleItem().GetProperty("message_id").GetString()!;
        var chat = emulator.State.FindMessage(messageId)!.ChatId;
        emulator.State.FindChat(chat)!.HasMember(dave.OpenId).ShouldBeTrue();
        var feishu = await hub.Context.NewPageAsync();
        await feishu.GotoAsync(new Uri(emulator.BaseUrl, $"/chats/{Uri.EscapeDataString(chat)}?as={Uri.EscapeDataString(dave.OpenId)}").AbsoluteUri);
        await Assertions.Expect(feishu.Locator($"[id='{messageId}']")).ToContainTextAsync("Please submit your timesheet for week 47.");
        await Screenshots.SaveAsync(feishu, "office-notification-in-chat");

        // Signed out of the app and of the Hub (RP-initiated logout), he comes back by scanning Feishu's QR code.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Signed out");
        new Uri(page.Url).GetLeftPart(UriPartial.Path).ShouldBe(app.Url("/signed-out").AbsoluteUri);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in again" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await page.Locator("#feishu-qr").ClickAsync();
        var qr = page.Locator("img.qr");
        await Assertions.Expect(qr).ToBeVisibleAsync();
        await using (var phone = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } }))
        {
            var scan = await phone.NewPageAsync();
            await scan.GotoAsync((await qr.GetAttributeAsync("data-scan-url"))!);
            await scan.GetByRole(AriaRole.Button, new() { Name = dave.Name }).ClickAsync();
            await scan.GetByRole(AriaRole.Button, new() { Name = "Confirm sign-in" }).ClickAsync();
            await Assertions.Expect(scan.Locator("[role=status]")).ToHaveTextAsync("Confirmed: go back to the computer.");
        }

        // The computer's QR page goes on by itself, through the Hub, back to the app: the same person, signed in by QR.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Timesheets");
        await Assertions.Expect(page.Locator("#sub")).ToHaveTextAsync(personId);
        await Assertions.Expect(page.Locator("#amr")).ToHaveTextAsync("fed qr");

        // A refresh while he is still here: a new access token.
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh session" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Session refreshed.");
        await Screenshots.SaveAsync(page, "office-app-signed-in-qr");

        // He leaves the company: resigned in Feishu (the Emulator), whose contact event reaches the Hub's directory,
        // whose webhook tells the office software, signed.
        using (var resigned = await control.DeleteAsync("/_emulator/contact/users/dave@example.com"))
        {
            resigned.IsSuccessStatusCode.ShouldBeTrue(await resigned.Content.ReadAsStringAsync());
        }

        CardReceiver.Received? deactivated = null;
        await Wait.UntilAsync(() => Task.FromResult((deactivated = receiver.Requests.FirstOrDefault(r => Type(r) == "directory.person.deactivated")) is not null), "the directory.person.deactivated webhook");
        WebhookSignature.Verify(webhookSecret, deactivated!.Header("X-Larkway-Timestamp"), deactivated.Header("X-Larkway-Signature"), deactivated.Body, DateTimeOffset.UtcNow).ShouldBeTrue();
        using (var change = JsonDocument.Parse(deactivated.Body))
        {
            change.RootElement.GetProperty("source").GetString().ShouldBe("event");
            change.RootElement.GetProperty("person").GetProperty("id").GetString().ShouldBe(personId);
            change.RootElement.GetProperty("person").GetProperty("status").GetString().ShouldBe("resigned");
            change.RootElement.GetProperty("changes").GetProperty("status").GetProperty("new").GetString().ShouldBe("resigned");
        }

        // Until then the app's own session (its cookie) stands; its next refresh asks the Hub, which refuses: signed out.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#sub")).ToHaveTextAsync(personId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh session" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Signed out");
        await Assertions.Expect(page.Locator("#reason")).ToHaveTextAsync("Your session ended: invalid_grant");
        await Screenshots.SaveAsync(page, "office-app-signed-out-left");

        // Nor can he come back: the Hub ended his session with the directory's change (issue 28 §3), so "Sign in again"
        // finds none to resume and lands on the Hub's sign-in page, asking for a Feishu sign-in Feishu can no longer give.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in again" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Timesheets");
        new Uri(page.Url).AbsolutePath.ShouldBe("/oidc/sign-in");
        hub.CspViolations.ShouldBeEmpty();
    }

    private static string? Type(CardReceiver.Received request)
    {
        using var json = JsonDocument.Parse(request.Body);
        return json.RootElement.GetProperty("type").GetString();
    }
}
