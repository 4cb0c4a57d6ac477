using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Larkway.Integration.Tests.Hub;

/// <summary>Who gets what on the admin routes: API keys a 403 everywhere, wrong keys slowed down, URLs from the configured public origin.</summary>
public sealed class HubApiAccessTests
{
    [Theory]
    [InlineData("GET", "/api/v1/events")]
    [InlineData("POST", "/api/v1/events/1/replay")]
    [InlineData("GET", "/api/v1/apps")]
    [InlineData("GET", "/api/v1/webhooks")]
    [InlineData("GET", "/api/v1/api-keys")]
    public async Task A_valid_API_key_on_an_admin_route_is_forbidden_not_unauthenticated(string method, string path)
    {
        await using var hub = await HubSandbox.StartAsync();
        using var http = Client(hub, await ApiKeyAsync(hub));

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Only the admin key");
    }

    [Fact]
    public async Task Wrong_keys_from_one_address_are_slowed_down_with_429_and_Retry_After_without_checking_the_key()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Api:FreeKeyFailures"] = "3" });
        using var wrong = Client(hub, "lwk_wrong");

        for (var i = 0; i < 3; i++)
        {
            (await wrong.GetAsync("/api/v1/notification-types")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"wrong key {i + 1}");
        }

        using var locked = await wrong.GetAsync("/api/v1/notification-types");
        locked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        int.Parse(locked.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);

        // Locked means locked: the address's next request is refused before its key is looked at, even the admin's.
        using var admin = Client(hub, HubSandbox.AdminKey);
        (await admin.GetAsync("/api/v1/apps")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task The_apps_API_hands_out_URLs_on_the_configured_public_origin_not_the_Host_header()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["LARKWAY_PUBLIC_URL"] = "https://hub.example.com/larkway/" });
        using var admin = Client(hub, HubSandbox.AdminKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/apps")
        {
            Content = JsonContent.Create(new { name = "procurement", app_id = "cli_public_url", app_secret = "s", verification_token = "v" }),
        };
        request.Headers.Host = "evil.example.net";

        using var response = await admin.SendAsync(request);

        var app = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        response.StatusCode.ShouldBe(HttpStatusCode.Created, app.ToString());
        app.GetProperty("events_url").GetString().ShouldBe("https://hub.example.com/larkway/feishu/apps/procurement/events");
        app.GetProperty("cards_url").GetString().ShouldBe("https://hub.example.com/larkway/feishu/apps/procurement/cards");
    }

    private static async Task<string> ApiKeyAsync(HubSandbox hub)
    {
        using var admin = Client(hub, HubSandbox.AdminKey);
        using var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "erp", types = new[] { "*" } });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private static HttpClient Client(HubSandbox hub, string key)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
