using System.Net;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The console's pages under requests no browser of theirs sends: methods without handlers, blank and missing fields.</summary>
public sealed class HubConsoleBadInputTests
{
    [Fact]
    public async Task A_post_to_a_page_without_a_post_handler_is_405_not_a_page_rendered_from_an_empty_model()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = await SignedInAsync(hub);
        var token = await client.TokenFromAsync("/console");

        foreach (var path in new[] { "/console", "/console/notifications/ntf_missing", "/console/audit" })
        {
            using var response = await client.PostFormAsync(path, new Dictionary<string, string> { ["__RequestVerificationToken"] = token }, withToken: false);
            response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed, path);
            response.Content.Headers.Allow.ShouldContain("GET", path);
        }
    }

    [Fact]
    public async Task Blank_or_missing_names_in_forms_and_routes_are_answered_as_not_found_never_a_server_error()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = await SignedInAsync(hub);

        // A route value of one space, and handler arguments left out or blank: each names nothing that exists.
        var cases = new (string Path, Dictionary<string, string> Fields)[]
        {
            ("/console/apps/delete/%20", []),
            ("/console/apps?handler=Test", []),
            ("/console/apps?handler=Test", new() { ["name"] = "" }),
            ("/console/apps?handler=Enabled", new() { ["enabled"] = "true" }),
            ("/console/types?handler=Toggle", new() { ["name"] = " " }),
            ("/console/api-keys?handler=Revoke", []),
            ("/console/webhooks?handler=Delete", new() { ["id"] = "" }),
            ("/console/types/%20?handler=Save", new() { ["Template"] = "", ["SampleData"] = "", ["Recipients"] = "" }),
            ("/console/bitable-syncs/new", []),
            ("/console/bitable-syncs/new", new() { ["Form.Name"] = "", ["Form.IntervalSeconds"] = "-1", ["Form.Direction"] = "sideways", ["Form.Columns"] = "=" }),
            ("/console/bitable-syncs/bsy_missing/edit", new() { ["Form.Name"] = "x" }),
            ("/console/bitable-syncs/%20/edit", []),
        };
        foreach (var (path, fields) in cases)
        {
            using var response = await client.PostFormAsync(path, fields, tokenPage: "/console");
            ((int)response.StatusCode).ShouldBeLessThan(500, path);
        }

        using var dashboard = await client.Http.GetAsync("/console");
        dashboard.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_sync_form_names_only_the_database_kinds_it_takes_never_the_retired_hub_kind()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = await SignedInAsync(hub);

        using var response = await client.PostFormAsync("/console/bitable-syncs/new", new Dictionary<string, string> { ["Form.Name"] = "x", ["Form.DatabaseKind"] = "mysql" }, tokenPage: "/console");
        var page = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBeLessThan(500);
        page.ShouldContain("your SQLite file (sqlite)");
        System.Text.RegularExpressions.Regex.IsMatch(page, @"Pick one of [^.<]*\bhub\b").ShouldBeFalse();
    }

    private static async Task<ConsoleClient> SignedInAsync(HubSandbox hub)
    {
        var client = new ConsoleClient(hub.Host.BaseUrl);
        using var signedIn = await client.SignInAsync(hub.Host.BootstrapAdminPassword!);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }
}
