using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Larkway.Hub;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Audit;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The admin console over plain HTTP on a real Hub: sign-in, CSRF, security headers, the bootstrap password, the audit log.</summary>
public sealed class HubConsoleTests
{
    [Fact]
    public async Task Every_console_page_sends_an_unauthenticated_visitor_to_sign_in()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = new ConsoleClient(hub.Host.BaseUrl);

        foreach (var path in new[] { "/console", "/console/types", "/console/types/payment.pending", "/console/api-keys", "/console/notifications", "/console/events", "/console/webhooks", "/console/webhooks/deliveries", "/console/audit", "/console/apps", "/console/approvals", "/console/approvals/apr_x", "/console/events/1", "/console/events/1?handler=Payload" })
        {
            using var response = await client.Http.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            new Uri(hub.Host.BaseUrl, response.Headers.Location!).PathAndQuery.ShouldStartWith("/console/sign-in?ReturnUrl=", Case.Sensitive, path);
        }

        using var signIn = await client.Http.GetAsync("/console/sign-in");
        signIn.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_root_leads_to_the_console_the_favicon_exists_and_an_unknown_console_page_is_a_page_that_says_so()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = new ConsoleClient(hub.Host.BaseUrl);

        using (var root = await client.Http.GetAsync("/"))
        {
            root.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            root.Headers.Location!.ToString().ShouldBe("/console");
        }

        using (var favicon = await client.Http.GetAsync("/favicon.ico"))
        {
            favicon.StatusCode.ShouldBe(HttpStatusCode.OK);
            favicon.Content.Headers.ContentType!.MediaType.ShouldBe("image/svg+xml");
            (await favicon.Content.ReadAsStringAsync()).ShouldStartWith("<svg");
        }

        // Signed out and signed in alike; the path asked for is shown encoded, never as markup.
        foreach (var signedIn in new[] { false, true })
        {
            if (signedIn)
            {
                (await client.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();
            }

            using var missing = await client.Http.GetAsync("/console/no-such-page/%3Cb%3Ehi");
            missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            missing.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
            var html = await missing.Content.ReadAsStringAsync();
            html.ShouldContain("<h1>Page not found</h1>");
            html.ShouldContain("/console/no-such-page/&lt;b&gt;hi");
            html.ShouldNotContain("<b>hi");
            html.ShouldContain("href=\"/console\"");
        }
    }

    [Fact]
    public async Task Signing_in_with_the_bootstrap_password_opens_the_console_and_a_wrong_one_is_refused()
    {
        await using var hub = await HubSandbox.StartAsync();
        var password = hub.Host.BootstrapAdminPassword.ShouldNotBeNull();
        using var client = new ConsoleClient(hub.Host.BaseUrl);

        using (var wrong = await client.SignInAsync(password + "x"))
        {
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await wrong.Content.ReadAsStringAsync()).ShouldContain("Wrong user name or password.");
        }

        using (var right = await client.SignInAsync(password))
        {
            right.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            right.Headers.Location!.ToString().ShouldBe("/console");
            var cookie = right.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("larkway_console=", StringComparison.Ordinal));
            cookie.ShouldContain("httponly", Case.Insensitive);
            cookie.ShouldContain("samesite=strict", Case.Insensitive);
            cookie.ShouldContain("path=/console", Case.Insensitive);
        }

        using var dashboard = await client.Http.GetAsync("/console");
        dashboard.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await dashboard.Content.ReadAsStringAsync()).ShouldContain("Dashboard");
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_address_out_even_for_the_right_one()
    {
        await using var hub = await HubSandbox.StartAsync();
        var password = hub.Host.BootstrapAdminPassword.ShouldNotBeNull();
        using var client = new ConsoleClient(hub.Host.BaseUrl);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.SignInAsync("guess-" + i);
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var locked = await client.SignInAsync(password);

        locked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await locked.Content.ReadAsStringAsync()).ShouldContain("Too many failed sign-ins");
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_rejected_and_changes_nothing()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = new ConsoleClient(hub.Host.BaseUrl);
        (await client.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var forged = await client.PostFormAsync("/console/types?handler=Toggle",
            new Dictionary<string, string> { ["name"] = "payment.pending", ["enabled"] = "false" }, withToken: false);
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Said as a page that leads back to a fresh copy of the form, not an empty 400.
        forged.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        var page = await forged.Content.ReadAsStringAsync();
        page.ShouldContain("<h1>This form has expired</h1>");
        page.ShouldContain("nothing was changed");
        page.ShouldContain("<a href=\"/console/types\">Open the page again</a>");

        using var signInWithoutToken = await client.PostFormAsync("/console/sign-in",
            new Dictionary<string, string> { ["UserName"] = "admin", ["Password"] = hub.Host.BootstrapAdminPassword! }, withToken: false);
        signInWithoutToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var admin = AdminClient(hub);
        var type = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/notification-types/payment.pending");
        type.GetProperty("enabled").GetBoolean().ShouldBeTrue();

        // The same form with its token goes through: the rejection was the missing token, nothing else.
        using var real = await client.PostFormAsync("/console/types?handler=Toggle",
            new Dictionary<string, string> { ["name"] = "payment.pending", ["enabled"] = "false" }, tokenPage: "/console/types");
        real.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        type = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/notification-types/payment.pending");
        type.GetProperty("enabled").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Console_responses_carry_the_security_headers_and_signed_in_pages_are_not_stored()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = new ConsoleClient(hub.Host.BaseUrl);
        using (var signInPage = await client.Http.GetAsync("/console/sign-in"))
        {
            AssertSecurityHeaders(signInPage);
        }

        (await client.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        foreach (var path in new[] { "/console", "/console/api-keys", "/console/types/payment.pending" })
        {
            using var page = await client.Http.GetAsync(path);
            page.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            AssertSecurityHeaders(page);
            page.Headers.CacheControl!.NoStore.ShouldBeTrue(path);
            var html = await page.Content.ReadAsStringAsync();
            html.ShouldNotContain("<script>", Case.Insensitive, path);
        }

        using var script = await client.Http.GetAsync("/console/assets/console.js");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        using var missing = await client.Http.GetAsync("/console/assets/nope.js");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_password_is_printed_at_the_first_start_only()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("larkway-hub-").FullName;
        using var first = new StringWriter();
        string password;
        await using (var hub = await StartPrintingToAsync(first, dataDirectory))
        {
            password = hub.BootstrapAdminPassword.ShouldNotBeNull();
        }

        first.ToString().ShouldContain($"console password for user 'admin' (shown only this once; store it now): {password}");

        using var second = new StringWriter();
        await using (var hub = await StartPrintingToAsync(second, dataDirectory))
        {
            hub.BootstrapAdminPassword.ShouldBeNull();
            using var client = new ConsoleClient(hub.BaseUrl);
            (await client.SignInAsync(password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        second.ToString().ShouldNotContain("password");
        second.ToString().ShouldNotContain(password);
    }

    [Fact]
    public async Task Off_a_terminal_the_password_goes_to_an_owner_only_file_and_standard_output_only_names_it()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("larkway-hub-").FullName;
        var file = Path.Combine(dataDirectory, "first-start-secrets.txt");
        using var output = new StringWriter();
        await using var hub = await StartPrintingToAsync(output, dataDirectory, new HubConsole(output, isTerminal: false, secretsFile: file));

        var password = hub.BootstrapAdminPassword.ShouldNotBeNull();
        output.ToString().ShouldNotContain(password);
        output.ToString().ShouldContain($"written to {file}");
        (await File.ReadAllTextAsync(file)).ShouldContain($"console password for user 'admin': {password}");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // The sign-in page says where the password is (not "was printed"), as the banner does on every start.
        using var page = new HttpClient { BaseAddress = hub.BaseUrl };
        (await page.GetStringAsync("/console/sign-in")).ShouldContain($"its password is in <code>{file}</code>");
        using var client = new ConsoleClient(hub.BaseUrl);
        (await client.SignInAsync(password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Admin_changes_through_the_rest_api_are_audited_without_secrets()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = AdminClient(hub);

        using var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "erp", types = new[] { "payment.*" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        var secret = body.GetProperty("key").GetString()!;
        (await admin.DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var entries = await hub.Host.Services.GetRequiredService<IAuditLog>().ListAsync("api_key", 10, CancellationToken.None);

        entries.Select(e => e.Action).ShouldBe(["api_key.revoke", "api_key.create"]);
        entries.ShouldAllBe(e => e.Actor == "admin-key" && e.Target == id && e.RemoteIp == "127.0.0.1");
        entries[1].Details.ShouldContain("\"name\":\"erp\"");
        entries.ShouldAllBe(e => !e.Details.Contains(secret));
    }

    private static HttpClient AdminClient(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("script-src 'self'");
        csp.ShouldNotContain("unsafe-inline");
        csp.ShouldContain("frame-ancestors 'none'");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
    }

    private static Task<HubHost> StartPrintingToAsync(TextWriter output, string dataDirectory, HubConsole? console = null) =>
        HubApp.StartAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["LARKWAY_EMULATOR_PORT"] = "0",
                ["Larkway:Storage:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "larkway.db")}",
                ["Larkway:AdminKey"] = HubSandbox.AdminKey,
            });
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(console ?? new HubConsole(output));
        });
}
