using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Larkway.Integration.Tests.Hub;

/// <summary>GET /api/v1/notifications lists a caller's notifications, newest first, filtered and paged by cursor.</summary>
public sealed class HubNotificationListTests
{
    [Fact]
    public async Task A_caller_lists_its_own_notifications_filtered_and_paged()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub, HubSandbox.AdminKey);
        using var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "erp", types = new[] { "*" } });
        using var erp = Client(hub, JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);

        var ids = new List<string>();
        foreach (var (type, key) in new[] { ("ops.notice", "n-1"), ("ops.notice", "n-2"), ("ops.alarm", "n-3") })
        {
            using var sent = await erp.PostAsJsonAsync("/api/v1/notifications", Notification(type, key));
            sent.StatusCode.ShouldBe(HttpStatusCode.Accepted, await sent.Content.ReadAsStringAsync());
            ids.Add(JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
        }

        using (var other = await admin.PostAsJsonAsync("/api/v1/notifications", Notification("ops.notice", "admin-1")))
        {
            other.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        (await ListAsync(erp, "")).Select(Id).ShouldBe([ids[2], ids[1], ids[0]]);
        (await ListAsync(erp, "?type=ops.notice")).Select(Id).ShouldBe([ids[1], ids[0]]);
        (await ListAsync(erp, "?reference=n-3")).Select(Id).ShouldBe([ids[2]]);
        (await ListAsync(admin, "?type=ops.notice")).Count.ShouldBe(3);

        // Cursor paging: two, then the rest.
        using var first = await erp.GetAsync("/api/v1/notifications?limit=2");
        var page = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        page.GetProperty("items").EnumerateArray().Select(Id).ShouldBe([ids[2], ids[1]]);
        var next = page.GetProperty("next").GetString()!;
        (await ListAsync(erp, $"?limit=2&before={next}")).Select(Id).ShouldBe([ids[0]]);

        // Status comes from the deliveries; every one reaches 'sent' in the sandbox.
        await HubSandbox.WaitUntilAsync(() => ListAsync(erp, "?status=sent").GetAwaiter().GetResult().Count == 3, "all three sent");
        (await ListAsync(erp, "?status=failed")).ShouldBeEmpty();
        (await ListAsync(erp, $"?created_after={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}")).ShouldBeEmpty();
        (await ListAsync(erp, $"?created_before={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}")).Count.ShouldBe(3);
    }

    [Fact]
    public async Task Bad_filters_are_one_400_naming_each()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub, HubSandbox.AdminKey);

        using var response = await admin.GetAsync("/api/v1/notifications?status=done&created_after=yesterday&limit=0");

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("message").GetString()!);
        errors.Keys.ShouldBe(["status", "created_after", "limit"], ignoreOrder: true);
        errors["status"].ShouldContain("partially_failed");
    }

    private static object Notification(string type, string key) => new
    {
        type,
        idempotency_key = key,
        card = new { elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = key } } } },
        recipients = new[] { new { email = "alice@example.com" } },
    };

    private static string Id(JsonElement item) => item.GetProperty("id").GetString()!;

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync("/api/v1/notifications" + query);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    private static HttpClient Client(HubSandbox hub, string key)
    {
        var client = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
