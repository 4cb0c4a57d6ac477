using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A member an API body does not have (a typo, a guess) is refused with the known members named, at every depth, in the
/// same 400 as the body's other problems; free-form parts (data, cards, template variables) still take anything.
/// </summary>
public sealed class HubUnknownMembersTests : IAsyncLifetime
{
    private HubSandbox _hub = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubSandbox.StartAsync();
        _admin = new HttpClient { BaseAddress = _hub.Api.BaseAddress };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task A_misspelt_recipients_is_refused_not_sent_to_the_types_default_recipient()
    {
        var messagesBefore = _hub.State.Chats.Sum(c => _hub.State.MessagesIn(c.ChatId).Count);

        using var response = await _admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "purchase_order.created",
            data = new
            {
                po = new { number = "PO-7001", supplier = "ACME", total = "CNY 1.00", delivery_date = "2026-12-01", url = "https://erp.example.com/po/7001" },
                lines = Array.Empty<object>(),
                buyer = new { email = "alice@example.com" },
            },
            recipents = new[] { new { email = "bob@example.com" } },
        });

        // The missing idempotency key is in the same answer: every problem at once.
        var errors = await ErrorsAsync(response);
        errors.Keys.ShouldBe(["idempotency_key", "recipents"], ignoreOrder: true);
        errors["recipents"].ShouldStartWith("Unknown field; known fields: type, idempotency_key, recipients, card, feishu_template, data, app");
        _hub.State.Chats.Sum(c => _hub.State.MessagesIn(c.ChatId).Count).ShouldBe(messagesBefore);
    }

    [Fact]
    public async Task Free_form_parts_keep_any_member_but_a_nested_typo_is_named_by_its_path()
    {
        using var accepted = await _admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "adhoc.unknown_members",
            idempotency_key = "unknown-members-free-form",
            recipients = new[] { new { email = "bob@example.com" } },
            feishu_template = new { template_id = "AAqk1234abcd", template_variable = new { anything = 1, nested = new { at_all = true } } },
        });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());

        using var refused = await _admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "adhoc.unknown_members",
            idempotency_key = "unknown-members-nested",
            recipients = new[] { new { email = "bob@example.com" } },
            feishu_template = new { template_id = "AAqk1234abcd", template_version = "1.0.0" },
        });
        (await ErrorsAsync(refused))["feishu_template.template_version"]
            .ShouldBe("Unknown field; known fields: template_id, template_version_name, template_variable.");
    }

    [Fact]
    public async Task Notification_types_refuse_an_unknown_member_and_keep_their_template_free_form()
    {
        using var refused = await _admin.PutAsJsonAsync("/api/v1/notification-types/purchase_order.created", new { descripton = "typo" });
        (await ErrorsAsync(refused))["descripton"].ShouldContain("known fields: description, enabled, template, sample_data, recipients, actions");

        using var preview = await _admin.PostAsJsonAsync("/api/v1/notification-types/purchase_order.created/preview", new { dat = new { } });
        (await ErrorsAsync(preview))["dat"].ShouldContain("known fields: data");
    }

    [Fact]
    public async Task Webhooks_refuse_an_unknown_member_naming_the_known_ones()
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/larkway", event_type = new[] { "notification.delivered" } });

        var errors = await ErrorsAsync(response);
        errors["event_type"].ShouldBe("Unknown field; known fields: url, event_types, description.");
        (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks")).GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Apps_refuse_an_unknown_member()
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/apps", new { name = "second", app_id = "cli_x", app_secrett = "s" });

        (await ErrorsAsync(response)).Keys.ShouldBe(["app_secrett"]);
    }

    [Fact]
    public async Task Bitable_syncs_refuse_an_unknown_member_inside_a_nested_object()
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/bitable-syncs", new
        {
            name = "typo",
            key = new { column = "id", feild = "fldKey" },
            columns = new[] { new { column = "name", field = "fldName", kind = "text" } },
        });

        var errors = await ErrorsAsync(response);
        errors["key.feild"].ShouldBe("Unknown field; known fields: column, field.");
        errors["columns[0].kind"].ShouldBe("Unknown field; known fields: column, field.");
    }

    [Fact]
    public async Task Identity_clients_refuse_an_unknown_member()
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/identity/clients", new { name = "wiki", redirect_uri = "https://wiki.example.com/cb" });

        (await ErrorsAsync(response))["redirect_uri"].ShouldContain("known fields: name, kind, redirect_uris,");
    }

    [Fact]
    public async Task Approvals_refuse_an_unknown_member()
    {
        using var response = await _admin.PostAsync("/api/v1/approvals",
            new StringContent("{\"approval_code\":\"X\",\"applicant\":{\"email\":\"alice@example.com\"},\"form\":{},\"idempotency_key\":\"k\",\"titel\":\"t\"}", Encoding.UTF8, "application/json"));

        (await ErrorsAsync(response)).Keys.ShouldContain("titel");
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
