using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The console against cross-site attacks: every POST handler of every page refuses a request without the antiforgery
/// token (the signed-in administrator's cookie alone is what a forged cross-site form carries), every form carries one,
/// and names that come from outside (a person's and a department's from the directory, a Bitable table's field, a sync's,
/// a sign-in app's, an API key's, a webhook's URL and description) are shown as text on every page, never as markup.
/// </summary>
public sealed class HubConsoleSafetyTests
{
    private const string Payload = "<img src=x onerror=alert(1)>\"'&";

    [Fact]
    public async Task Every_console_POST_handler_refuses_a_signed_in_request_without_the_antiforgery_token()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = new ConsoleClient(hub.Host.BaseUrl);
        (await client.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await client.TokenFromAsync("/console");

        var posts = PostHandlers(hub);
        posts.Count.ShouldBeGreaterThan(15, "the console's POST handlers were found");
        var failures = new List<string>();
        foreach (var path in posts)
        {
            using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "x", ["id"] = "1" });
            using var response = await client.Http.PostAsync(path, content);
            if (response.StatusCode != HttpStatusCode.BadRequest)
            {
                failures.Add($"POST {path} without a token: {(int)response.StatusCode}");
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    [Fact]
    public async Task Names_from_outside_are_encoded_on_every_console_page_and_every_form_carries_the_antiforgery_token()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Directory:ReconcileEnabled"] = "false" });
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        await StoreHostileNamesAsync(hub, admin);

        using var client = new ConsoleClient(hub.Host.BaseUrl);
        (await client.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Every page the administrator can reach by following the console's own links.
        var parser = new HtmlParser();
        var seen = new HashSet<string>(StringComparer.Ordinal) { "/console" };
        var queue = new Queue<string>(seen);
        var failures = new List<string>();
        var shown = new List<string>();
        while (queue.TryDequeue(out var path) && seen.Count < 400)
        {
            using var response = await client.Http.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }

            var html = await response.Content.ReadAsStringAsync();
            using var page = await parser.ParseDocumentAsync(html);
            if (html.Contains("<img src=x", StringComparison.OrdinalIgnoreCase)
                || page.All.Any(e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.Name.Contains("alert", StringComparison.Ordinal))))
            {
                failures.Add($"{path}: the name is markup there");
            }

            if (page.Body?.TextContent.Contains("<img src=x onerror=alert(1)>", StringComparison.Ordinal) == true
                || page.All.Any(e => e.Attributes.Any(a => a.Value.Contains(Payload, StringComparison.Ordinal))))
            {
                shown.Add(path);
            }

            foreach (var form in page.Forms.Where(f => string.Equals(f.Method, "post", StringComparison.OrdinalIgnoreCase)))
            {
                if (form.QuerySelector("input[name=__RequestVerificationToken]") is null)
                {
                    failures.Add($"{path}: a form posting to {form.Action} has no antiforgery token");
                }
            }

            foreach (var link in page.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!))
            {
                var target = link.Split('#')[0];
                if (target.StartsWith("/console", StringComparison.Ordinal) && !target.Contains("sign-out", StringComparison.Ordinal)
                    && !target.StartsWith("/console/assets", StringComparison.Ordinal) && seen.Add(target))
                {
                    queue.Enqueue(target);
                }
            }
        }

        failures.ShouldBeEmpty(string.Join("\n", failures));

        // Honest: the names reached the pages that show them (as text).
        string[] expected = ["/console/directory", "/console/bitable-syncs", "/console/sign-in-apps", "/console/api-keys", "/console/webhooks"];
        foreach (var prefix in expected)
        {
            shown.ShouldContain(p => p.StartsWith(prefix, StringComparison.Ordinal), $"a page under {prefix} shows the name; shown on: {string.Join(", ", shown)}");
        }
    }

    /// <summary>Names carrying the payload, stored the ways they arrive: the directory's sync, the admin API, a Bitable base.</summary>
    private static async Task StoreHostileNamesAsync(HubSandbox hub, HttpClient admin)
    {
        hub.State.AddDepartment(new EmulatorDepartment("od-xss000000000000000000000000001", "xss", Payload, EmulatorState.RootDepartmentId));
        hub.State.AddUser(new EmulatorUser("ou_xss00000000000000000000000001", "on_xss00000000000000000000000001", "u_xss", Payload, "xss@example.com", ["od-xss000000000000000000000000001"]));
        (await admin.PostAsync("/api/v1/directory/sync", null)).EnsureSuccessStatusCode();
        await HubSandbox.WaitUntilAsync(
            () => JsonDocument.Parse(admin.GetStringAsync("/api/v1/directory/sync?limit=1").GetAwaiter().GetResult()).RootElement
                .GetProperty("items")[0].GetProperty("status").GetString() != "running",
            "the directory sync", seconds: 60);

        await CreatedAsync(await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = Payload, types = new[] { "*" } }));
        await CreatedAsync(await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook?q=" + Payload, event_types = new[] { "*" }, description = Payload }));
        await CreatedAsync(await admin.PostAsJsonAsync("/api/v1/identity/clients", new { name = Payload, redirect_uris = new[] { "https://app.example.com/cb" } }));

        // A base whose table and field carry the name, and a sync named so that maps a column to that field.
        var file = Path.Combine(hub.DataDirectory, "erp.db");
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file}"))
        {
            await db.OpenAsync();
            await using var create = db.CreateCommand();
            create.CommandText = "CREATE TABLE orders (order_no TEXT PRIMARY KEY, note TEXT)";
            await create.ExecuteNonQueryAsync();
        }

        using var seeded = await hub.Control.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = Payload,
            user = "carol@example.com",
            tables = new[] { new { name = Payload, fields = new object[] { new { field_name = "Order", type = 1 }, new { field_name = Payload, type = 1 } } } },
        });
        var data = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        await CreatedAsync(await admin.PostAsJsonAsync("/api/v1/bitable-syncs", new
        {
            name = Payload,
            app_token = data.GetProperty("app_token").GetString(),
            table_id = data.GetProperty("tables")[0].GetProperty("table_id").GetString(),
            database = new { kind = "sqlite", connection_string = $"Data Source={file}" },
            table = "orders",
            key = new { column = "order_no", field = "Order" },
            columns = new[] { new { column = "note", field = Payload } },
            direction = "both",
            conflicts = "hold_for_review",
            interval_seconds = 3600,
        }));
    }

    private static async Task CreatedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            response.IsSuccessStatusCode.ShouldBeTrue($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// Every POST handler of every console page, as a path (with <c>?handler=</c> for named ones): each page's model read
    /// from the compiled pages, its routes from the endpoint data source. A page added later is covered without a list.
    /// </summary>
    private static List<string> PostHandlers(HubSandbox hub)
    {
        var models = typeof(Larkway.Hub.HubApp).Assembly.GetCustomAttributes<RazorCompiledItemAttribute>()
            .Where(i => i.Kind == "mvc.1.0.razor-page")
            .ToDictionary(i => i.Identifier, i => i.Type.GetProperty("Model")?.PropertyType, StringComparer.OrdinalIgnoreCase);
        var paths = new List<string>();
        foreach (var endpoint in hub.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { } page
                || !models.TryGetValue(page.RelativePath, out var model) || model is null)
            {
                continue;
            }

            var route = "/" + System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText ?? "", @"\{[^}]+\}", "1").TrimStart('/');
            if (route.EndsWith("/1", StringComparison.Ordinal) && endpoint.RoutePattern.Parameters.Any(p => p.IsOptional))
            {
                route = route[..^2];
            }

            foreach (var handler in model.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.DeclaredOnly)
                .Select(m => m.Name)
                .Where(n => n.StartsWith("OnPost", StringComparison.Ordinal))
                .Select(n => n["OnPost".Length..].Replace("Async", "", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal))
            {
                paths.Add(handler.Length == 0 ? route : $"{route}?handler={handler}");
            }
        }

        return [.. paths.Distinct(StringComparer.Ordinal)];
    }
}
