using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// WeCom customer service with the sandbox's assistant, as a customer and an administrator see it: the customer opens the
/// sandbox account's link, is welcomed, asks (giving a phone number) and reads the assistant's answer on their page; the
/// console's Customer service page lists the account and the session, and the transcript shows the phone number masked.
/// Then a hand-over as both people see it: the customer presses the welcome's button, the receptionist finds the session
/// waiting on their page, takes it and answers.
/// Screenshots: artifacts/screenshots/wecom-kf-assistant-customer-1280.png, console-customer-service-1280.png,
/// console-customer-transcript-1280.png, wecom-kf-handover-servicer-1280.png, wecom-kf-handover-customer-1280.png,
/// console-customer-service-account-refused-1280.png, console-customer-service-new-1280.png.
/// </summary>
public sealed class ConsoleCustomerServiceBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Account = "wkLarkwaySandboxKf000001";

    [Fact]
    public async Task A_customer_is_answered_by_the_assistant_and_the_console_shows_the_session_and_its_masked_transcript()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        var emulator = hub.Host.Emulator!;
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);

        // The customer opens the link: the account's welcome; then the question, answered by the assistant.
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/wecom-kf/{Account}?enc_scene=ENCc3ByaW5n").AbsoluteUri);
        var lines = page.Locator(".kf-line");
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await lines.CountAsync() > 0 && (await lines.Last.InnerTextAsync()).Contains("this is Larkway Support", StringComparison.Ordinal);
        }, "the welcome on the customer's page");
        var customer = new Uri(page.Url).Query.Split("as=")[1].Split('&')[0];
        await page.Locator("textarea[name='text']").FillAsync("Please call me on 13812345678 about my parcel");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return (await lines.Last.InnerTextAsync()).Contains("You asked: Please call me", StringComparison.Ordinal);
        }, "the assistant's answer on the customer's page");
        await Screenshots.SaveAsync(page, "wecom-kf-assistant-customer-1280");

        // The console: the account, and the customer's session held by the assistant.
        await hub.SignInAsync();
        await Menu.GoToAsync(page, "Customer service");
        await Assertions.Expect(page.Locator($"tr[data-account='{Account}']")).ToContainTextAsync("the app's assistant");
        var session = page.Locator($"tr[data-customer='{customer}']");
        await Assertions.Expect(session).ToContainTextAsync("assistant");
        await Screenshots.SaveAsync(page, "console-customer-service-1280");

        // The transcript: welcome, question (the phone masked), answer.
        await session.GetByRole(AriaRole.Link).ClickAsync();
        var transcript = page.Locator("#transcript");
        await Assertions.Expect(transcript).ToContainTextAsync("answered by the assistant");
        await Assertions.Expect(transcript).ToContainTextAsync("138****5678");
        await Assertions.Expect(transcript).Not.ToContainTextAsync("13812345678");
        await Assertions.Expect(transcript.Locator("tr[data-origin='hub']")).ToHaveCountAsync(2);

        // In the order it happened, though WeCom's times are whole seconds and the welcome often shares the question's.
        var said = await transcript.Locator("tr[data-origin='hub'], tr[data-origin='customer']").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.origin)");
        said.ShouldBe(["hub", "customer", "hub"]);
        await Screenshots.SaveAsync(page, "console-customer-transcript-1280");
    }

    [Fact]
    public async Task A_customer_who_presses_the_hand_over_button_is_taken_by_a_receptionist_and_both_pages_show_it()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        var emulator = hub.Host.Emulator!;
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);

        // The welcome comes with its button; the customer presses it.
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/wecom-kf/{Account}").AbsoluteUri);
        var button = page.Locator("form.kf-menu button", new() { HasText = "Talk to a person" });
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await button.CountAsync() == 1;
        }, "the welcome's hand-over button");
        var customer = new Uri(page.Url).Query.Split("as=")[1].Split('&')[0];
        await button.ClickAsync();
        var lines = page.Locator(".kf-line");
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return (await lines.Last.InnerTextAsync()).Contains("A colleague will answer you here shortly", StringComparison.Ordinal);
        }, "the hand-over message on the customer's page");

        // Carol, a receptionist: the session waits in the queue; she takes it and answers.
        var servicer = await page.Context.NewPageAsync();
        await servicer.SetViewportSizeAsync(1280, 900);
        await servicer.GotoAsync(new Uri(emulator.BaseUrl, "/wecom-kf/servicer?as=carol").AbsoluteUri);
        var session = servicer.Locator("h2", new() { HasText = customer });
        await Assertions.Expect(session).ToHaveCountAsync(1);
        await Assertions.Expect(servicer.Locator("body")).ToContainTextAsync("2 waiting in the queue");
        await Screenshots.SaveAsync(servicer, "wecom-kf-handover-servicer-1280");
        await servicer.Locator("form.say", new() { Has = servicer.Locator($"input[name='customer'][value='{customer}']") })
            .GetByRole(AriaRole.Button, new() { Name = "Take this session" }).ClickAsync();
        var answer = servicer.Locator("form.say", new() { Has = servicer.Locator($"input[name='customer'][value='{customer}']") });
        await answer.Locator("textarea[name='text']").FillAsync("Hello, this is Carol. How can I help?");
        await answer.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        // The customer reads Carol; the assistant stays silent.
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return (await lines.Last.InnerTextAsync()).Contains("Hello, this is Carol", StringComparison.Ordinal);
        }, "Carol's answer on the customer's page");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("You asked:");
        await Screenshots.SaveAsync(page, "wecom-kf-handover-customer-1280");
    }

    [Fact]
    public async Task An_administrator_changes_the_welcome_a_customer_then_reads_and_adds_and_removes_an_account_in_the_console()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        var emulator = hub.Host.Emulator!;
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);
        await hub.SignInAsync();
        await Menu.GoToAsync(page, "Customer service");

        // A welcome too long for WeCom is refused with the limit, and nothing is stored.
        await page.Locator($"tr[data-account='{Account}']").GetByRole(AriaRole.Link, new() { Name = Account }).ClickAsync();
        var welcome = page.Locator("textarea[name='Form.WelcomeMessage']");
        await welcome.FillAsync(new string('欢', 700));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator(".field-error[data-field='welcome_message']")).ToContainTextAsync("2048 bytes");
        await Screenshots.SaveAsync(page, "console-customer-service-account-refused-1280");

        // A new welcome, no button, and a word of the company's own: saved, and what a customer opening the link reads.
        await welcome.FillAsync("Welcome to Acme support. Type 客服 for a person.");
        await page.Locator("input[name='Form.HandoverButton']").FillAsync("");
        await page.Locator("textarea[name='Form.HandoverWords']").FillAsync("客服\nperson");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync($"{Account} saved.");
        await Assertions.Expect(page.Locator($"tr[data-account='{Account}']")).ToContainTextAsync("客服, person");

        var customer = await page.Context.NewPageAsync();
        await customer.GotoAsync(new Uri(emulator.BaseUrl, $"/wecom-kf/{Account}").AbsoluteUri);
        var lines = customer.Locator(".kf-line");
        await Wait.UntilAsync(async () =>
        {
            await customer.ReloadAsync();
            return await lines.CountAsync() > 0 && (await lines.Last.InnerTextAsync()).Contains("Welcome to Acme support", StringComparison.Ordinal);
        }, "the new welcome on the customer's page");
        await Assertions.Expect(customer.Locator("form.kf-menu button")).ToHaveCountAsync(0);

        // Adding: an account served already is refused; a new one is listed, then removed with what the Hub kept of it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Add an account" }).ClickAsync();
        await page.Locator("input[name='Account']").FillAsync(Account);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add account" }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-problems")).ToContainTextAsync("is served on wecom-sandbox already");
        await page.Locator("input[name='Account']").FillAsync("wkConsoleAdded000001");
        await page.Locator("textarea[name='Form.WelcomeMessage']").FillAsync("Hello from after-sales.");
        await Screenshots.SaveAsync(page, "console-customer-service-new-1280");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add account" }).ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("wkConsoleAdded000001 added to wecom-sandbox");
        var added = page.Locator("tr[data-account='wkConsoleAdded000001']");
        await Assertions.Expect(added).ToContainTextAsync("the app's assistant");

        await added.GetByRole(AriaRole.Link, new() { Name = "wkConsoleAdded000001" }).ClickAsync();
        await Assertions.Expect(page.Locator("textarea[name='Form.WelcomeMessage']")).ToHaveValueAsync("Hello from after-sales.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Remove…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop serving wkConsoleAdded000001" }).ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("wkConsoleAdded000001 is no longer served");
        await Assertions.Expect(added).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"tr[data-account='{Account}']")).ToHaveCountAsync(1);
    }
}
