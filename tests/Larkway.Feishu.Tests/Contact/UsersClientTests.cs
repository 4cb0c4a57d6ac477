using System.Net;
using System.Text.Json;
using Larkway.Feishu.Contact;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Contact;

public class UsersClientTests
{
    private const string Found = """{"user_list":[{"user_id":"ou_a","email":"a@x.test","status":{"is_frozen":false,"is_resigned":false,"is_activated":true,"is_exited":false,"is_unjoin":false}},{"email":"b@x.test"},{"user_id":"ou_c","mobile":"+8613800000001","status":{"is_frozen":true,"is_resigned":true,"is_activated":false,"is_exited":true,"is_unjoin":true}}]}""";

    [Fact]
    public async Task Batch_get_ids_posts_the_lists_and_maps_each_entry()
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Found));
        using var client = TestClients.Create(stub);

        var result = await client.Contact.Users.BatchGetIdsAsync(["a@x.test", " b@x.test "], ["+8613800000001"]);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(HttpMethod.Post, call.Method);
        Assert.Equal("/open-apis/contact/v3/users/batch_get_id", call.Path);
        Assert.Equal("?user_id_type=open_id", call.Query);
        Assert.Equal("Bearer t-token-1", call.Authorization);
        using (var body = JsonDocument.Parse(call.Body!))
        {
            Assert.Equal(["a@x.test", "b@x.test"], body.RootElement.GetProperty("emails").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["+8613800000001"], body.RootElement.GetProperty("mobiles").EnumerateArray().Select(e => e.GetString()));
            Assert.False(body.RootElement.TryGetProperty("include_resigned", out _));
        }

        Assert.Equal(3, result.Count);
        Assert.Equal(new UserIdLookup("a@x.test", null, "ou_a", new ContactUserStatus(false, false, true, false, false)), result[0]);
        Assert.Equal(new UserIdLookup("b@x.test", null, null, null), result[1]);
        Assert.False(result[1].Found);
        Assert.True(result[2].Found);
        Assert.Equal("+8613800000001", result[2].Mobile);
        Assert.Equal(new ContactUserStatus(true, true, false, true, true), result[2].Status);
    }

    [Theory]
    [InlineData(UserIdType.UnionId, "union_id")]
    [InlineData(UserIdType.UserId, "user_id")]
    public async Task Batch_get_ids_sends_the_id_type_and_include_resigned(UserIdType type, string wire)
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"user_list":[]}"""));
        using var client = TestClients.Create(stub);

        await client.Contact.Users.BatchGetIdsAsync(mobiles: ["13800000001"], userIdType: type, includeResigned: true);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("?user_id_type=" + wire, call.Query);
        using var body = JsonDocument.Parse(call.Body!);
        Assert.True(body.RootElement.GetProperty("include_resigned").GetBoolean());
        Assert.False(body.RootElement.TryGetProperty("emails", out _));
    }

    public static TheoryData<string[]?, string[]?, string> Invalid => new()
    {
        { null, null, "at least one email or mobile" },
        { [], [], "at least one email or mobile" },
        { [.. Enumerable.Range(0, 51).Select(i => $"u{i}@x.test")], null, "emails has 51 entries; Feishu looks up at most 50" },
        { null, [.. Enumerable.Range(0, 51).Select(i => $"+86139{i:D8}")], "mobiles has 51 entries; Feishu looks up at most 50" },
        { ["a@x.test", " "], null, "emails[1] is empty" },
        { null, ["+8613800000001", null!], "mobiles[1] is empty" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Bad_input_is_refused_before_anything_is_sent(string[]? emails, string[]? mobiles, string message)
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"user_list":[]}"""));
        using var client = TestClients.Create(stub);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.Contact.Users.BatchGetIdsAsync(emails, mobiles));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Fifty_emails_and_fifty_mobiles_go_in_one_call()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"user_list":[]}"""));
        using var client = TestClients.Create(stub);

        await client.Contact.Users.BatchGetIdsAsync(Enumerable.Range(0, 50).Select(i => $"u{i}@x.test"), Enumerable.Range(0, 50).Select(i => $"+86139{i:D8}"));

        Assert.Single(stub.ApiCalls);
    }

    [Fact]
    public async Task A_platform_refusal_is_a_FeishuApiException_with_the_code()
    {
        var stub = new StubHandler((_, _) => Responses.Error(40001, "invalid request: emails has 51 items"));
        using var client = TestClients.Create(stub);

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => client.Contact.Users.BatchGetIdsAsync(["a@x.test"]));

        Assert.Equal(FeishuErrorCodes.ContactInvalidParameter, error.Code);
        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatus);
        Assert.Single(stub.ApiCalls);
    }

    [Fact]
    public async Task The_lookup_is_read_only_so_a_rate_limit_is_retried()
    {
        var stub = new StubHandler((_, n) => n == 1
            ? Responses.Error(99991400, "request trigger frequency limit", HttpStatusCode.TooManyRequests, ("x-ogw-ratelimit-reset", "0"))
            : Responses.Ok("""{"user_list":[{"user_id":"ou_a","email":"a@x.test"}]}"""));
        using var client = TestClients.Create(stub);

        var result = await client.Contact.Users.BatchGetIdsAsync(["a@x.test"]);

        Assert.Equal("ou_a", Assert.Single(result).UserId);
        Assert.Equal(2, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task Find_by_department_pages_lazily_with_the_id_types_and_maps_users()
    {
        var stub = new StubHandler((request, _) => Responses.Ok(request.Query.Contains("page_token=p2", StringComparison.Ordinal)
            ? """{"has_more":false,"items":[{"open_id":"ou_c","name":"C","status":{"is_resigned":true}}]}"""
            : """{"has_more":true,"page_token":"p2","items":[{"open_id":"ou_a","union_id":"on_a","user_id":"a1","name":"A","email":"a@x.test","department_ids":["od-1"],"status":{"is_activated":true}},{"open_id":"ou_b","name":"B"}]}"""));
        using var client = TestClients.Create(stub);

        var users = new List<ContactUser>();
        await foreach (var user in client.Contact.Users.FindByDepartmentAsync("od-1", pageSize: 50))
        {
            users.Add(user);
        }

        Assert.Equal(["ou_a", "ou_b", "ou_c"], users.Select(u => u.OpenId));
        Assert.Equal("a@x.test", users[0].Email);
        Assert.Equal(["od-1"], users[0].DepartmentIds);
        Assert.False(users[0].IsInactive);
        Assert.Null(users[1].Status);
        Assert.True(users[2].IsInactive);
        Assert.Equal(2, stub.ApiCalls.Count);
        Assert.All(stub.ApiCalls, c => Assert.Equal("/open-apis/contact/v3/users/find_by_department", c.Path));
        Assert.Equal("?department_id=od-1&department_id_type=open_department_id&user_id_type=open_id&page_size=50", stub.ApiCalls[0].Query);
        Assert.EndsWith("&page_token=p2", stub.ApiCalls[1].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_by_department_refuses_an_empty_id_or_a_page_over_50_before_sending()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"has_more":false,"items":[]}"""));
        using var client = TestClients.Create(stub);

        Assert.Throws<ArgumentException>(() => client.Contact.Users.FindByDepartmentAsync(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Contact.Users.FindByDepartmentAsync("od-1", pageSize: 51));
        await foreach (var _ in client.Contact.Users.FindByDepartmentAsync("0", DepartmentIdType.DepartmentId, UserIdType.UserId))
        {
        }

        Assert.Equal("?department_id=0&department_id_type=department_id&user_id_type=user_id", Assert.Single(stub.ApiCalls).Query);
    }
}
