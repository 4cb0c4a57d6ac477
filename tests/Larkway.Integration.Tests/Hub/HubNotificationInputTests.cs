using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A notification the type's template cannot fill is refused at submit with every gap named by its data field, together
/// with the request's other problems — and the type preview refuses the same data the same way.
/// </summary>
public sealed class HubNotificationInputTests
{
    private static readonly object FullData = new
    {
        po = new { number = "PO-1001", supplier = "ACME", total = "CNY 10.00", delivery_date = "2026-12-01", url = "https://erp.example.com/po/1001" },
        lines = new[] { new { item = "Laptop", quantity = 1 } },
        buyer = new { email = "alice@example.com" },
    };

    [Fact]
    public async Task Data_that_leaves_placeholders_empty_is_refused_naming_each_field()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub);

        // No po.total or po.url; a line without its quantity; the buyer's email the type sends to is missing too.
        using var response = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "purchase_order.created",
            idempotency_key = "po-gaps",
            data = new
            {
                po = new { number = "PO-1001", supplier = "ACME", delivery_date = "2026-12-01" },
                lines = new[] { new { item = "Laptop" } },
            },
            recipients = new[] { new { email = "bob@example.com" } },
        });

        var errors = await ErrorsAsync(response);
        errors.Keys.ShouldContain("data.po.total");
        errors.Keys.ShouldContain("data.po.url");
        errors.Keys.ShouldContain("data.buyer.email");
        errors["data.po.total"].ShouldContain("{{po.total}}");
        errors["data"].ShouldContain("{{quantity}}");
        var bob = hub.State.Users.Single(u => u.Email == "bob@example.com");
        hub.State.Chats.Where(c => c.Name.Contains(bob.Name, StringComparison.Ordinal)).SelectMany(c => hub.State.MessagesIn(c.ChatId))
            .ShouldNotContain(m => m.Content.Contains("PO-1001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_sent_as_null_is_the_callers_choice_not_a_gap()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub);

        using var response = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "purchase_order.created",
            idempotency_key = "po-null-supplier",
            data = new
            {
                po = new { number = "PO-1002", supplier = (string?)null, total = "CNY 1.00", delivery_date = "2026-12-01", url = "https://erp.example.com/po/1002" },
                lines = Array.Empty<object>(),
                buyer = new { email = "alice@example.com" },
            },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Data_that_renders_an_empty_link_is_refused_at_the_field_that_made_it()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub);

        using var response = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "purchase_order.created",
            idempotency_key = "po-empty-url",
            data = new
            {
                po = new { number = "PO-1003", supplier = "ACME", total = "CNY 1.00", delivery_date = "2026-12-01", url = "" },
                lines = Array.Empty<object>(),
                buyer = new { email = "alice@example.com" },
            },
        });

        var errors = await ErrorsAsync(response);
        errors.Keys.ShouldBe(["data.po.url"]);
        errors["data.po.url"].ShouldContain("url");
    }

    [Fact]
    public async Task Every_problem_of_a_request_is_reported_at_once()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub);

        // No idempotency key, an address that is no email, and data without the order's number.
        using var response = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "purchase_order.created",
            data = new
            {
                po = new { supplier = "ACME", total = "CNY 1.00", delivery_date = "2026-12-01", url = "https://erp.example.com/po/1" },
                lines = Array.Empty<object>(),
                buyer = new { email = "alice@example.com" },
            },
            recipients = new[] { new { email = "bob at example.com" } },
        });

        var errors = await ErrorsAsync(response);
        errors.Keys.ShouldBe(["idempotency_key", "recipients[0].email", "data.po.number"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_preview_refuses_what_a_submit_would_and_still_shows_the_card()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub);

        using var good = await admin.PostAsJsonAsync("/api/v1/notification-types/purchase_order.created/preview", new { data = FullData });
        good.StatusCode.ShouldBe(HttpStatusCode.OK, await good.Content.ReadAsStringAsync());

        using var gaps = await admin.PostAsJsonAsync("/api/v1/notification-types/purchase_order.created/preview", new { data = new { po = new { number = "PO-9" } } });
        var body = JsonDocument.Parse(await gaps.Content.ReadAsStringAsync()).RootElement;
        gaps.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())
            .ShouldBe(["data.po.supplier", "data.po.total", "data.po.delivery_date", "data.po.url", "data.buyer.email"], ignoreOrder: true);
        body.GetProperty("card").GetRawText().ShouldContain("PO-9");

        using var notAnObject = await admin.PostAsJsonAsync("/api/v1/notification-types/purchase_order.created/preview", new { data = "po=1" });
        (await ErrorsAsync(notAnObject)).Keys.ShouldBe(["data"]);
    }

    [Fact]
    public async Task Malformed_json_is_described_without_the_parsers_internals()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Client(hub);

        using var response = await admin.PostAsync("/api/v1/notifications", new StringContent("{\"type\": \"x\",\n \"data\": }", Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        text.ShouldContain("line 2");
        text.ShouldNotContain("LineNumber");
        text.ShouldNotContain("BytePositionInLine");
    }

    private static HttpClient Client(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }

    private static async Task<Dictionary<string, string>> ErrorsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray()
            .GroupBy(e => e.GetProperty("field").GetString()!)
            .ToDictionary(g => g.Key, g => string.Join(" | ", g.Select(e => e.GetProperty("message").GetString())));
    }
}
