using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Seed;

namespace Larkway.Browser.Tests;

/// <summary>Rows for the console's tables, made through the Hub's API as a business system makes them.</summary>
internal static class ConsoleSeed
{
    public static async Task<(string Id, string Secret)> CreateKeyAsync(HttpClient admin, string name, string types)
    {
        using var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name, types = new[] { types } });
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        using var body = JsonDocument.Parse(text);
        return (body.RootElement.GetProperty("id").GetString()!, body.RootElement.GetProperty("key").GetString()!);
    }

    public static async Task<string> CreateApprovalAsync(HttpClient api, string reference, string reason)
    {
        using var created = await api.PostAsJsonAsync("/api/v1/approvals", new
        {
            approval_code = DefaultApprovals.PaymentCode,
            applicant = new { email = "alice@example.com" },
            title = "Payment " + reference,
            reference,
            form = new { amount = new { value = 1200, currency = "CNY" }, reason, method = "bank" },
            idempotency_key = reference,
        });
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public static async Task<string> SendRequisitionAsync(HttpClient api, string key)
    {
        using var created = await api.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "requisition.submitted",
            idempotency_key = key,
            data = new
            {
                requisition = new { number = "PR-2026-0099", title = "Docking stations", amount = "¥ 4,200.00", url = "https://erp.example.com/pr/99" },
                requester = new { name = "Bob Li", email = "bob@example.com" },
                approver = new { name = "Alice Chen", email = "alice@example.com" },
            },
        });
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }
}
