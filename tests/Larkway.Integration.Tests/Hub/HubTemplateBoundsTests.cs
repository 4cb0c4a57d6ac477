using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Integration.Tests.Hub.Fuzz;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The template that killed the Hub with one request: refused with a 400 naming the field, through the API and the console.</summary>
public sealed class HubTemplateBoundsTests
{
    [Fact]
    public async Task A_notification_type_with_ten_thousand_nested_sub_expressions_is_a_400_naming_the_template_and_the_Hub_lives()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        var bomb = MalformedJson.HandlebarsBomb();

        using var response = await admin.PutAsJsonAsync("/api/v1/notification-types/bomb.created", new
        {
            template = new { header = new { title = new { tag = "plain_text", content = "ok" } }, elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = bomb } } } },
            sample_data = new { },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().ShouldHaveSingleItem();
        error.GetProperty("field").GetString().ShouldBe("template");
        error.GetProperty("message").GetString()!.ShouldStartWith("$.elements[0].text.content: ");
        (await admin.GetAsync("/api/v1/notification-types/bomb.created")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_consoles_type_editor_shows_the_refusal_on_the_form_and_saves_nothing()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = new ConsoleClient(hub.Host.BaseUrl);
        (await client.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var template = JsonSerializer.Serialize(new { elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = TemplateBoundsDepth() } } } });

        using var response = await client.PostFormAsync("/console/types/payment.pending?handler=Save",
            new Dictionary<string, string> { ["Template"] = template, ["SampleData"] = "{}", ["Recipients"] = "[]", ["Enabled"] = "true" },
            tokenPage: "/console/types/payment.pending");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        html.ShouldContain("$.elements[0].text.content: sub-expressions are nested more than");
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        (await admin.GetStringAsync("/api/v1/notification-types/payment.pending")).ShouldNotContain("(b (b");
    }

    [Fact]
    public async Task Saving_a_type_in_the_console_editor_keeps_its_actions()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/payment.pending");
        before.GetProperty("actions").EnumerateObject().ShouldNotBeEmpty();
        using var client = new ConsoleClient(hub.Host.BaseUrl);
        (await client.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var saved = await client.PostFormAsync("/console/types/payment.pending?handler=Save", new Dictionary<string, string>
        {
            ["Template"] = before.GetProperty("template").GetRawText(),
            ["SampleData"] = before.GetProperty("sample_data").GetRawText(),
            ["Recipients"] = before.GetProperty("recipients").GetRawText(),
            ["Enabled"] = "true",
        }, tokenPage: "/console/types/payment.pending");

        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect, await saved.Content.ReadAsStringAsync());
        var after = await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/payment.pending");
        after.GetProperty("actions").GetRawText().ShouldBe(before.GetProperty("actions").GetRawText());
    }

    /// <summary>Deep enough to be refused for its nesting, short enough to pass the length limit.</summary>
    private static string TemplateBoundsDepth() => MalformedJson.HandlebarsBomb(1_000);
}
