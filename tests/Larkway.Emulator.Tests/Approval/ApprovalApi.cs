using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Approval;

/// <summary>Raw-wire helpers for the approval tests: definitions, instances, tasks, event receivers.</summary>
internal static class ApprovalApi
{
    public const string Token = "vt_approval_0001";

    public static readonly object[] Widgets =
    [
        new { id = "amount", name = "@i18n@amount", type = "amount", required = true },
        new { id = "reason", name = "@i18n@reason", type = "textarea", required = true },
        new { id = "method", name = "@i18n@method", type = "radioV2", required = true, option = new[] { new { value = "bank", text = "@i18n@bank" }, new { value = "card", text = "@i18n@card" } } },
        new { id = "tags", name = "@i18n@tags", type = "checkboxV2", required = false, option = new[] { new { value = "travel", text = "@i18n@travel" }, new { value = "it", text = "@i18n@it" } } },
        new { id = "when", name = "@i18n@when", type = "date", required = false },
    ];

    public static object I18n(params string[] extraKeys) => new[]
    {
        new
        {
            locale = "en-US",
            is_default = true,
            texts = new[] { "@i18n@name", "@i18n@amount", "@i18n@reason", "@i18n@method", "@i18n@bank", "@i18n@card", "@i18n@tags", "@i18n@travel", "@i18n@it", "@i18n@when", "@i18n@n1", "@i18n@n2" }
                .Concat(extraKeys).Select(k => new { key = k, value = "Text of " + k[6..] }).ToArray(),
        },
    };

    /// <summary>A node: <c>type</c> AND/OR/SEQUENTIAL, approvers by open_id ("Free" for self-select).</summary>
    public static object Node(string id, string type, params string[] approverOpenIds) => new
    {
        id,
        name = "@i18n@n1",
        node_type = type,
        approver = approverOpenIds.Select(a => a == "Free" ? (object)new { type = "Free" } : new { type = "Personal", user_id = a }).ToArray(),
    };

    public static object DefinitionBody(params object[] nodes) => new
    {
        approval_name = "@i18n@name",
        viewers = new[] { new { viewer_type = "TENANT" } },
        form = new { form_content = JsonSerializer.Serialize(Widgets) },
        node_list = new object[] { new { id = "START" } }.Concat(nodes).Append(new { id = "END" }).ToArray(),
        i18n_resources = I18n(),
    };

    public static async Task<string> CreateDefinitionAsync(TestEmulator emulator, string token, params object[] nodes)
    {
        using var reply = await emulator.PostJsonAsync("/open-apis/approval/v4/approvals", DefinitionBody(nodes), token);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("approval_code").GetString()!;
    }

    public static string Form(double amount = 120.5, string method = "bank", string reason = "Team dinner") =>
        JsonSerializer.Serialize(new object[]
        {
            new { id = "amount", type = "amount", value = amount, currency = "CNY" },
            new { id = "reason", type = "textarea", value = reason },
            new { id = "method", type = "radioV2", value = method },
        });

    public static async Task<Reply> CreateInstanceRawAsync(TestEmulator emulator, string token, object body) =>
        await emulator.PostJsonAsync("/open-apis/approval/v4/instances", body, token);

    public static async Task<string> CreateInstanceAsync(TestEmulator emulator, string token, string approvalCode, string applicantOpenId, string? form = null, object? selfSelect = null, string? uuid = null)
    {
        using var reply = await CreateInstanceRawAsync(emulator, token, new { approval_code = approvalCode, open_id = applicantOpenId, form = form ?? Form(), node_approver_open_id_list = selfSelect, uuid });
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("instance_code").GetString()!;
    }

    public static async Task<JsonElement> GetInstanceAsync(TestEmulator emulator, string token, string instanceId, string userIdType = "open_id")
    {
        using var reply = await emulator.GetAsync($"/open-apis/approval/v4/instances/{instanceId}?user_id_type={userIdType}", token);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.Clone();
    }

    public static string Status(JsonElement instance) => instance.GetProperty("status").GetString()!;

    /// <summary>The pending task of a user (by open_id), or null.</summary>
    public static string? PendingTask(JsonElement instance, string openId) =>
        instance.GetProperty("task_list").EnumerateArray()
            .Where(t => t.GetProperty("open_id").GetString() == openId && t.GetProperty("status").GetString() == "PENDING")
            .Select(t => t.GetProperty("id").GetString())
            .FirstOrDefault();

    public static List<(string OpenId, string Status)> Tasks(JsonElement instance) =>
        [.. instance.GetProperty("task_list").EnumerateArray().Select(t => (t.GetProperty("open_id").GetString()!, t.GetProperty("status").GetString()!))];

    public static async Task<Reply> ActAsync(TestEmulator emulator, string token, string action, string approvalCode, string instanceCode, string userOpenId, string taskId, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["approval_code"] = approvalCode, ["instance_code"] = instanceCode, ["user_id"] = userOpenId, ["task_id"] = taskId };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }

        return await emulator.PostJsonAsync($"/open-apis/approval/v4/tasks/{action}", body, token);
    }

    /// <summary>Approves the user's pending task and asserts success.</summary>
    public static async Task ApproveAsync(TestEmulator emulator, string token, string approvalCode, string instanceCode, string userOpenId)
    {
        var instance = await GetInstanceAsync(emulator, token, instanceCode);
        var task = PendingTask(instance, userOpenId) ?? throw new InvalidOperationException("no pending task for " + userOpenId + ": " + instance);
        using var reply = await ActAsync(emulator, token, "approve", approvalCode, instanceCode, userOpenId, task);
        Assert.True(reply.Code == 0, reply.Text);
    }

    public static async Task SubscribeEventsAsync(TestEmulator emulator, EventReceiver receiver, string? appId = null)
    {
        using var reply = await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{appId ?? emulator.Options.AppId}/event-subscription", JsonSerializer.Serialize(new { url = receiver.Url.ToString(), verification_token = Token, encrypt_key = receiver.EncryptKey }), null);
        Assert.True(reply.Code == 0, reply.Text);
    }

    public static async Task SubscribeApprovalAsync(TestEmulator emulator, string token, string approvalCode)
    {
        using var reply = await emulator.PostJsonAsync($"/open-apis/approval/v4/approvals/{approvalCode}/subscribe", new { }, token);
        Assert.True(reply.Code == 0, reply.Text);
    }
}
