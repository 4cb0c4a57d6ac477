using Larkway.Hub.Platform.Auth.ApiKeys;
using System.Text;
using Larkway.Hub.Notifications;

namespace Larkway.Hub.Tests.Notifications;

public sealed class NotificationRequestTests
{
    private const string Card = """{"header":{"title":{"tag":"plain_text","content":"PO"}},"elements":[{"tag":"div","text":{"tag":"lark_md","content":"hi"}}]}""";

    [Theory]
    [InlineData("email", "feishu")]
    [InlineData("open_id", "feishu")]
    [InlineData("department_id", "feishu")]
    [InlineData("person", "feishu")]
    [InlineData("dingtalk_userid", "dingtalk")]
    [InlineData("wecom_email", "wecom")]
    [InlineData("testchat_userid", "testchat")]
    public void A_recipient_kind_belongs_to_the_platform_its_name_starts_with_and_Feishus_own_kinds_to_Feishu(string kind, string platform) =>
        NotificationRequest.PlatformOf(kind).ShouldBe(platform);

    [Fact]
    public void A_valid_request_is_normalised_and_hashed_regardless_of_key_order_and_whitespace()
    {
        var a = Parse($$"""{"type":"po.created","idempotency_key":"k","card":{{Card}},"recipients":[{"email":" Alice@Example.com "},{"chat_id":"oc_1"},{"email":"alice@example.com"}]}""");
        var b = Parse($$"""{ "recipients":[{"email":"alice@example.com"},{"chat_id":"oc_1"}], "card":{{Card}}, "type":"po.created" }""", header: "k");

        a.Request.ShouldNotBeNull();
        b.Request.ShouldNotBeNull();
        a.Request.Recipients.ShouldBe([new NotificationRecipient("email", "alice@example.com"), new NotificationRecipient("chat_id", "oc_1")]);
        a.Request.IdempotencyKey.ShouldBe("k");
        a.Request.ContentKind.ShouldBe("card");
        b.Request.RequestHash.ShouldNotBe(a.Request.RequestHash); // a's list names Alice Chen twice: a different request
        Parse($$"""{"type":"po.created","card":{{Card}},"recipients":[{"email":"alice@example.com"},{"chat_id":"oc_1"}],"idempotency_key":"other"}""").Request!.RequestHash
            .ShouldBe(b.Request.RequestHash);
    }

    [Fact]
    public void A_department_includes_its_sub_departments_unless_the_flag_says_false()
    {
        var (request, problems) = Parse($$"""{"type":"t","idempotency_key":"k","card":{{Card}},"recipients":[{"department_id":"od-1"},{"include_subdepartments":false,"department_id":"od-2"}]}""");

        problems.ShouldBeEmpty();
        request!.Recipients.Select(r => (r.Value, r.IncludeSubdepartments)).ShouldBe([("od-1", true), ("od-2", false)]);
    }

    [Theory]
    [InlineData("""{"open_id":"ou_1","include_subdepartments":true}""")]
    [InlineData("""{"department_id":"od-1","include_subdepartments":"no"}""")]
    [InlineData("""{"include_subdepartments":true}""")]
    public void The_sub_department_flag_only_goes_beside_a_department_and_is_a_boolean(string recipient)
    {
        var (request, problems) = Parse($$"""{"type":"t","idempotency_key":"k","card":{{Card}},"recipients":[{{recipient}}]}""");

        request.ShouldBeNull();
        problems.Single().Field.ShouldBe("recipients[0].include_subdepartments");
    }

    [Fact]
    public void A_card_builder_template_takes_only_its_documented_fields()
    {
        var (request, problems) = Parse("""{"type":"t","idempotency_key":"k","feishu_template":{"template_id":"AAq1","template_version_name":"1.0.2","template_variable":{"po":"4711"}},"recipients":[{"open_id":"ou_1"}]}""");

        problems.ShouldBeEmpty();
        request!.ContentKind.ShouldBe("template");
        request.Content.ShouldBe("""{"template_id":"AAq1","template_version_name":"1.0.2","template_variable":{"po":"4711"}}""");

        // Another member is refused with the known ones named, not dropped.
        var (refused, unknown) = Parse("""{"type":"t","idempotency_key":"k","feishu_template":{"template_id":"AAq1","extra":1},"recipients":[{"open_id":"ou_1"}]}""");
        refused.ShouldBeNull();
        unknown.ShouldHaveSingleItem().ShouldBe(new NotificationProblem("feishu_template.extra", "Unknown field; known fields: template_id, template_version_name, template_variable."));
    }

    [Theory]
    [InlineData("""[]""", "body")]
    [InlineData("""{"type":"t","idempotency_key":"k","data":[1]}""", "data")]
    [InlineData("""{"type":"t","idempotency_key":"k","card":{},"feishu_template":{"template_id":"x"},"recipients":[{"open_id":"ou_1"}]}""", "card")]
    [InlineData("""{"type":"t","idempotency_key":"k","feishu_template":{},"recipients":[{"open_id":"ou_1"}]}""", "feishu_template.template_id")]
    [InlineData("""{"type":"t","idempotency_key":"k","template":"po","recipients":[{"open_id":"ou_1"}]}""", "template")]
    [InlineData("""{"type":"has space","idempotency_key":"k","feishu_template":{"template_id":"x"},"recipients":[{"open_id":"ou_1"}]}""", "type")]
    [InlineData("""{"type":"t","feishu_template":{"template_id":"x"},"recipients":[{"open_id":"ou_1"}]}""", "idempotency_key")]
    [InlineData("""{"type":"t","idempotency_key":"k","feishu_template":{"template_id":"x"},"recipients":[]}""", "recipients")]
    [InlineData("""{"type":"t","idempotency_key":"k","feishu_template":{"template_id":"x"},"recipients":[{"open_id":"ou_1","chat_id":"oc_1"}]}""", "recipients[0]")]
    [InlineData("""{"type":"t","idempotency_key":"k","feishu_template":{"template_id":"x"},"recipients":[{"team":"od_1"}]}""", "recipients[0]")]
    [InlineData("""{"type":"t","idempotency_key":"k","feishu_template":{"template_id":"x"},"recipients":[{"email":"a@b"}]}""", "recipients[0].email")]
    [InlineData("""{"type":"t","idempotency_key":"k","feishu_template":{"template_id":"x"},"recipients":[{"open_id":5}]}""", "recipients[0].open_id")]
    [InlineData("""{"type":"t","idempotency_key":"k","card":{"elements":[{"tag":"bogus"}]},"recipients":[{"open_id":"ou_1"}]}""", "card.elements[0]")]
    public void Each_problem_names_its_field(string json, string field)
    {
        var (request, problems) = Parse(json);

        request.ShouldBeNull();
        problems.ShouldContain(p => p.Field.StartsWith(field, StringComparison.Ordinal), $"problems: {string.Join("; ", problems)}");
        problems.ShouldAllBe(p => p.Message.Length > 0);
    }

    [Fact]
    public void Without_a_card_the_types_template_is_used_with_the_data_and_recipients_may_come_from_the_type()
    {
        var (request, problems) = Parse("""{"type":"po.created","idempotency_key":"k","data":{"po":{"number":"4711"}}}""");

        problems.ShouldBeEmpty();
        request!.ContentKind.ShouldBe(NotificationRequest.FromType);
        request.Data.ShouldBe("""{"po":{"number":"4711"}}""");
        request.Recipients.ShouldBeEmpty();
    }

    [Fact]
    public void Malformed_json_and_conflicting_keys_are_reported_not_thrown()
    {
        Parse("""{"type":""").Problems.Single().Field.ShouldBe("body");
        Parse("""{"type":"t","idempotency_key":"a","feishu_template":{"template_id":"x"},"recipients":[{"open_id":"ou_1"}]}""", header: "b")
            .Problems.ShouldContain(p => p.Field == "idempotency_key");
        Parse($$"""{"type":"t","idempotency_key":"k","feishu_template":{"template_id":"x"},"recipients":[{{string.Join(",", Enumerable.Range(0, NotificationLimits.MaxRecipients + 1).Select(i => $"{{\"open_id\":\"ou_{i}\"}}"))}}]}""")
            .Problems.ShouldContain(p => p.Field == "recipients");
    }

    [Theory]
    [InlineData("*", "anything.at_all", true)]
    [InlineData("purchase_order.*", "purchase_order.created", true)]
    [InlineData("purchase_order.*", "purchase_orders.created", false)]
    [InlineData("payment.pending,contract.expiring", "contract.expiring", true)]
    [InlineData("payment.pending", "payment.pending.v2", false)]
    public void Api_key_type_patterns(string types, string type, bool allowed) =>
        ApiKeyStore.Allows(new ApiKeyRow { Types = types }, type).ShouldBe(allowed);

    [Theory]
    [InlineData("*", true)]
    [InlineData("po.*", true)]
    [InlineData("po.created", true)]
    [InlineData("po*", false)]
    [InlineData("*.created", false)]
    [InlineData("po created", false)]
    public void Api_key_patterns_are_checked_when_a_key_is_created(string pattern, bool valid) =>
        ApiKeyStore.IsValidPattern(pattern).ShouldBe(valid);

    [Fact]
    public void A_key_may_name_exactly_the_longest_notification_type_and_no_longer()
    {
        ApiKeyStore.IsValidPattern(new string('a', NotificationLimits.MaxTypeLength)).ShouldBeTrue();
        ApiKeyStore.IsValidPattern(new string('a', NotificationLimits.MaxTypeLength + 1)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("\"procurement\"", "procurement")]
    [InlineData("\"default\"", null)]
    [InlineData("null", null)]
    public void The_app_is_a_stored_apps_name_or_null_for_the_default_app(string app, string? expected)
    {
        var (request, problems) = Parse($$"""{"type":"t","idempotency_key":"k","app":{{app}},"feishu_template":{"template_id":"x"},"recipients":[{"open_id":"ou_1"}]}""");

        problems.ShouldBeEmpty();
        request!.App.ShouldBe(expected);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("\"Not An App!\"")]
    public void An_app_that_cannot_be_a_name_is_reported_on_app(string app) =>
        Parse($$"""{"type":"t","idempotency_key":"k","app":{{app}},"feishu_template":{"template_id":"x"},"recipients":[{"open_id":"ou_1"}]}""")
            .Problems.Single().Field.ShouldBe("app");

    private static (NotificationRequest? Request, List<NotificationProblem> Problems) Parse(string json, string? header = null)
    {
        var problems = new List<NotificationProblem>();
        var request = NotificationRequest.Parse(Encoding.UTF8.GetBytes(json), header, problems);
        return (request, problems);
    }
}
