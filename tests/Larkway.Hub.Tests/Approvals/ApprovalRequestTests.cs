using System.Text;
using Larkway.Hub.Approvals;

namespace Larkway.Hub.Tests.Approvals;

/// <summary>Parsing approval requests: every problem named with its field, in one answer.</summary>
public sealed class ApprovalRequestTests
{
    [Fact]
    public void A_good_request_is_parsed_with_the_email_lower_cased_and_the_default_app_left_out()
    {
        var request = Parse("""
            {"approval_code":"CODE-1","applicant":{"email":"Alice@Example.com"},"form":{"amount":{"value":12,"currency":"CNY"}},
             "title":"Offsite","reference":"PO-4711","app":"default","department_id":"od-1"}
            """, header: "key-1", out var problems);

        problems.ShouldBeEmpty();
        request.ShouldNotBeNull();
        request.IdempotencyKey.ShouldBe("key-1");
        (request.ApplicantType, request.Applicant).ShouldBe(("email", "alice@example.com"));
        request.App.ShouldBeNull();
        request.Reference.ShouldBe("PO-4711");
        request.DepartmentId.ShouldBe("od-1");
        request.Form.ShouldContain("\"currency\"");
    }

    [Fact]
    public void Every_problem_is_listed_with_its_field()
    {
        Parse("""{"applicant":{"email":"nope","open_id":"ou_1"},"form":[],"title":7,"colour":"red","idempotency_key":"a"}""", header: "b", out var problems)
            .ShouldBeNull();

        problems.Select(p => p.Field).ShouldBe(["colour", "idempotency_key", "definition", "applicant", "title", "form"], ignoreOrder: true);
    }

    [Fact]
    public void The_same_meaning_hashes_the_same_and_a_different_form_does_not()
    {
        var a = Parse("""{"approval_code":"C","applicant":{"open_id":"ou_1"},"form":{"x":1,"y":"2"},"idempotency_key":"k"}""", null, out _)!;
        var b = Parse("""{ "form":{"y":"2","x":1}, "applicant":{"open_id":"ou_1"}, "approval_code":"C" }""", "k", out _)!;
        var c = Parse("""{"approval_code":"C","applicant":{"open_id":"ou_1"},"form":{"x":2,"y":"2"}}""", "k", out _)!;

        b.RequestHash.ShouldBe(a.RequestHash);
        c.RequestHash.ShouldNotBe(a.RequestHash);
    }

    [Fact]
    public void Not_json_and_a_missing_key_are_400_material()
    {
        Parse("{", null, out var broken).ShouldBeNull();
        broken.Single().Field.ShouldBe("body");

        Parse("""{"approval_code":"C","applicant":{"user_id":"u1"},"form":{}}""", null, out var noKey).ShouldBeNull();
        noKey.Single().Field.ShouldBe("idempotency_key");
    }

    private static ApprovalRequest? Parse(string json, string? header, out List<ApprovalProblem> problems)
    {
        problems = [];
        return ApprovalRequest.Parse(Encoding.UTF8.GetBytes(json), header, problems);
    }
}
