using System.Text.Json;
using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Approval;

public sealed class FormValidationTests
{
    public static TheoryData<string, string> BrokenForms => new()
    {
        { "not json", "not valid JSON" },
        { "{\"id\":\"amount\"}", "stringified JSON array" },
        { "[{\"id\":\"ghost\",\"type\":\"input\",\"value\":\"x\"}]", "'ghost' does not exist" },
        { "[{\"id\":\"reason\",\"type\":\"input\",\"value\":\"x\"}]", "'reason' has type 'input' but the definition says 'textarea'" },
        { "[{\"id\":\"amount\",\"type\":\"amount\",\"value\":\"lots\"},{\"id\":\"reason\",\"type\":\"textarea\",\"value\":\"x\"},{\"id\":\"method\",\"type\":\"radioV2\",\"value\":\"bank\"}]", "'amount' (amount) takes a number" },
        { "[{\"id\":\"amount\",\"type\":\"amount\",\"value\":5},{\"id\":\"reason\",\"type\":\"textarea\",\"value\":\"x\"}]", "'method' (Payment method) is required" },
        { "[{\"id\":\"amount\",\"type\":\"amount\",\"value\":5},{\"id\":\"reason\",\"type\":\"textarea\",\"value\":\"x\"},{\"id\":\"method\",\"type\":\"radioV2\",\"value\":\"cash\"}]", "'method' (radioV2) has no option 'cash'" },
        { "[{\"id\":\"amount\",\"type\":\"amount\",\"value\":5,\"currency\":\"yuan\"},{\"id\":\"reason\",\"type\":\"textarea\",\"value\":\"x\"},{\"id\":\"method\",\"type\":\"radioV2\",\"value\":\"bank\"}]", "currency must be an ISO code" },
        { "[{\"id\":\"amount\",\"type\":\"amount\",\"value\":5},{\"id\":\"reason\",\"type\":\"textarea\",\"value\":\"  \"},{\"id\":\"method\",\"type\":\"radioV2\",\"value\":\"bank\"}]", "'reason' (Reason) is required; the value is empty" },
        { "[{\"id\":\"amount\",\"type\":\"amount\",\"value\":5},{\"id\":\"amount\",\"type\":\"amount\",\"value\":6}]", "'amount' is given twice" },
    };

    [Theory]
    [MemberData(nameof(BrokenForms))]
    public async Task Invalid_forms_are_1390001_naming_the_widget(string form, string expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await ApprovalApi.CreateInstanceRawAsync(emulator, token, new { approval_code = DefaultApprovals.PaymentCode, open_id = emulator.User("alice@example.com").OpenId, form });

        Assert.Equal(400, reply.Status);
        Assert.Equal(1390001, reply.Code);
        Assert.Contains(expected, reply.Msg, StringComparison.Ordinal);
        Assert.Empty(emulator.Server.Deliveries.Events);
    }

    [Fact]
    public async Task Checkbox_date_and_optional_widgets_are_checked_by_shape()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var code = await ApprovalApi.CreateDefinitionAsync(emulator, token, ApprovalApi.Node("manager", "OR", emulator.User("bob@example.com").OpenId));
        var alice = emulator.User("alice@example.com").OpenId;
        object[] Base() =>
        [
            new { id = "amount", type = "amount", value = 1 },
            new { id = "reason", type = "textarea", value = "r" },
            new { id = "method", type = "radioV2", value = "card" },
        ];

        using var good = await ApprovalApi.CreateInstanceRawAsync(emulator, token, new { approval_code = code, open_id = alice, form = JsonSerializer.Serialize(Base().Append(new { id = "tags", type = "checkboxV2", value = new[] { "it", "travel" } }).Append(new { id = "when", type = "date", value = "2019-10-01T08:12:01+08:00" })) });
        using var badOption = await ApprovalApi.CreateInstanceRawAsync(emulator, token, new { approval_code = code, open_id = alice, form = JsonSerializer.Serialize(Base().Append(new { id = "tags", type = "checkboxV2", value = new[] { "food" } })) });
        using var badDate = await ApprovalApi.CreateInstanceRawAsync(emulator, token, new { approval_code = code, open_id = alice, form = JsonSerializer.Serialize(Base().Append(new { id = "when", type = "date", value = "01/10/2019" })) });

        Assert.True(good.Code == 0, good.Text);
        Assert.Equal(1390001, badOption.Code);
        Assert.Contains("'tags' (checkboxV2) has no option 'food'", badOption.Msg, StringComparison.Ordinal);
        Assert.Equal(1390001, badDate.Code);
        Assert.Contains("'when' (date) value must be an RFC 3339 time", badDate.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_uuid_is_60012_and_get_accepts_the_uuid()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var alice = emulator.User("alice@example.com").OpenId;
        var code = await ApprovalApi.CreateInstanceAsync(emulator, token, DefaultApprovals.PaymentCode, alice, uuid: "order-42");
        using var duplicate = await ApprovalApi.CreateInstanceRawAsync(emulator, token, new { approval_code = DefaultApprovals.PaymentCode, open_id = alice, form = ApprovalApi.Form(), uuid = "order-42" });
        var byUuid = await ApprovalApi.GetInstanceAsync(emulator, token, "order-42");

        Assert.Equal(60012, duplicate.Code);
        Assert.Equal(code, byUuid.GetProperty("instance_code").GetString());
        Assert.Equal("order-42", byUuid.GetProperty("uuid").GetString());
    }

    [Fact]
    public async Task Missing_submitter_unknown_code_and_unknown_user_are_clear_errors()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var noUser = await ApprovalApi.CreateInstanceRawAsync(emulator, token, new { approval_code = DefaultApprovals.PaymentCode, form = ApprovalApi.Form() });
        using var unknownUser = await ApprovalApi.CreateInstanceRawAsync(emulator, token, new { approval_code = DefaultApprovals.PaymentCode, user_id = "nobody", form = ApprovalApi.Form() });
        using var unknownCode = await ApprovalApi.CreateInstanceRawAsync(emulator, token, new { approval_code = "NOPE", open_id = emulator.User("alice@example.com").OpenId, form = ApprovalApi.Form() });
        using var badBody = await emulator.SendAsync(HttpMethod.Post, "/open-apis/approval/v4/instances", "[1,2]", token);

        Assert.Equal((400, 1390001), (noUser.Status, noUser.Code));
        Assert.Equal(1390004, unknownUser.Code);
        Assert.Equal(1390002, unknownCode.Code);
        Assert.Equal((400, 1390001), (badBody.Status, badBody.Code));
    }
}
