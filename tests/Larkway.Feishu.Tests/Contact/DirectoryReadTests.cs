using System.Net;
using Larkway.Feishu.Contact;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Contact;

/// <summary>Users and departments by id and in batches, ancestors, the contact scope: the wire and the typed models.</summary>
public sealed class DirectoryReadTests
{
    // A user with every field the get-user page documents (values made up).
    private const string FullUser = """
        {"union_id":"on_1","user_id":"3e3c","open_id":"ou_1","name":"Zhang San","en_name":"San Zhang","nickname":"Sam","email":"zs@example.com",
         "mobile":"+8613000000000","mobile_visible":false,"gender":2,
         "avatar":{"avatar_72":"https://a.test/72","avatar_240":"https://a.test/240","avatar_640":"https://a.test/640","avatar_origin":"https://a.test/o"},
         "status":{"is_frozen":false,"is_resigned":false,"is_activated":true,"is_exited":false,"is_unjoin":false},
         "department_ids":["od-1","od-2"],"leader_user_id":"ou_boss","city":"Hangzhou","country":"CN","work_station":"N-H34","join_time":1700000000,
         "is_tenant_manager":true,"employee_no":"E-1","employee_type":2,
         "orders":[{"department_id":"od-1","user_order":100,"department_order":200,"is_primary_dept":true}],
         "custom_attrs":[{"type":"TEXT","id":"C-1","value":{"text":"hello"}},{"type":"GENERIC_USER","id":"C-2","value":{"generic_user":{"id":"9b2f","type":1}}}],
         "enterprise_email":"zs@corp.example.com","job_title":"Engineer","geo":"cn","job_level_id":"lv1","job_family_id":"fam1",
         "subscription_ids":["7179"],
         "assign_info":[{"subscription_id":"7079","license_plan_key":"suite_e5","product_name":"E5","i18n_name":{"zh_cn":"旗舰","en_us":"E5"},"start_time":"1674981000","end_time":"1674991000"}],
         "department_path":[{"department_id":"od-2","department_name":{"name":"Platform","i18n_name":{"en_us":"Platform"}},
                             "department_path":{"department_ids":["od-1","od-2"],"department_path_name":{"name":"R&D/Platform"}}}],
         "dotted_line_leader_user_ids":["ou_dotted"]}
        """;

    // A department with every field the get-department page documents; order is a string there, leaders are camelCase.
    private const string FullDepartment = """
        {"name":"Platform","i18n_name":{"zh_cn":"平台","ja_jp":"プラットフォーム","en_us":"Platform"},"parent_department_id":"od-1","department_id":"D096",
         "open_department_id":"od-2","leader_user_id":"ou_boss","chat_id":"oc_dept","order":"100","unit_ids":["unit-1"],"member_count":12,
         "status":{"is_deleted":false},"leaders":[{"leaderType":1,"leaderID":"ou_boss"},{"leaderType":2,"leaderID":"ou_deputy"}],
         "group_chat_employee_types":[1,2],"department_hrbps":["ou_hr"],"primary_member_count":10}
        """;

    [Fact]
    public async Task Get_user_sends_both_id_types_with_the_tenant_token_and_reads_every_documented_field()
    {
        var stub = new StubHandler((_, _) => Responses.Ok($$"""{"user":{{FullUser}}}"""));
        using var client = TestClients.Create(stub);

        var user = await client.Contact.Users.GetAsync("ou_1");

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(HttpMethod.Get, call.Method);
        Assert.Equal("/open-apis/contact/v3/users/ou_1", call.Path);
        Assert.Equal("?user_id_type=open_id&department_id_type=open_department_id", call.Query);
        Assert.Equal("Bearer t-token-1", call.Authorization);

        Assert.Equal(("ou_1", "on_1", "3e3c", "Zhang San", "San Zhang", "Sam"), (user.OpenId, user.UnionId, user.UserId, user.Name, user.EnName, user.Nickname));
        Assert.Equal(("zs@example.com", "zs@corp.example.com", "+8613000000000", false), (user.Email, user.EnterpriseEmail, user.Mobile, user.MobileVisible));
        Assert.Equal(ContactGender.Female, user.Gender);
        Assert.Equal(new ContactAvatar { Avatar72 = "https://a.test/72", Avatar240 = "https://a.test/240", Avatar640 = "https://a.test/640", AvatarOrigin = "https://a.test/o" }, user.Avatar);
        Assert.Equal(new ContactUserStatus(IsFrozen: false, IsResigned: false, IsActivated: true, IsExited: false, IsUnjoin: false), user.Status);
        Assert.False(user.IsInactive);
        Assert.Equal(["od-1", "od-2"], user.DepartmentIds);
        Assert.Equal(("ou_boss", "Hangzhou", "CN", "N-H34"), (user.LeaderUserId, user.City, user.Country, user.WorkStation));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), user.JoinTime);
        Assert.Equal((true, "E-1", 2), (user.IsTenantManager, user.EmployeeNo, user.EmployeeType));
        Assert.Equal(new ContactUserOrder { DepartmentId = "od-1", UserOrder = 100, DepartmentOrder = 200, IsPrimaryDept = true }, Assert.Single(user.Orders));
        Assert.Equal("hello", user.CustomAttrs[0].Value?.Text);
        Assert.Equal(new ContactGenericUser("9b2f", 1), user.CustomAttrs[1].Value?.GenericUser);
        Assert.Equal(("Engineer", "cn", "lv1", "fam1"), (user.JobTitle, user.Geo, user.JobLevelId, user.JobFamilyId));
        Assert.Equal(["7179"], user.SubscriptionIds);
        var seat = Assert.Single(user.AssignInfo);
        Assert.Equal(("7079", "suite_e5", "E5", "旗舰"), (seat.SubscriptionId, seat.LicensePlanKey, seat.ProductName, seat.I18nName?.ZhCn));
        Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(1674981000), DateTimeOffset.FromUnixTimeSeconds(1674991000)), (seat.StartTime!.Value, seat.EndTime!.Value));
        var path = Assert.Single(user.DepartmentPath);
        Assert.Equal(("od-2", "Platform", "R&D/Platform"), (path.DepartmentId, path.DepartmentName?.Name, path.DepartmentPath?.DepartmentPathName?.Name));
        Assert.Equal(["od-1", "od-2"], path.DepartmentPath!.DepartmentIds);
        Assert.Equal(["ou_dotted"], user.DottedLineLeaderUserIds);
    }

    [Fact]
    public async Task A_user_without_field_scopes_has_empty_names_and_lists_not_nulls()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"user":{"union_id":"on_1"}}"""));
        using var client = TestClients.Create(stub);

        var user = await client.Contact.Users.GetAsync("on_1", UserIdType.UnionId, DepartmentIdType.DepartmentId);

        Assert.Equal("?user_id_type=union_id&department_id_type=department_id", Assert.Single(stub.ApiCalls).Query);
        Assert.Equal(("", "", null), (user.OpenId, user.Name, user.JoinTime));
        Assert.Empty(user.DepartmentIds);
        Assert.Empty(user.Orders);
        Assert.Empty(user.CustomAttrs);
    }

    [Fact]
    public async Task Called_as_a_user_the_directory_gets_the_users_token_and_no_tenant_token_is_fetched()
    {
        var stub = new StubHandler((_, _) => Responses.Ok($$"""{"user":{{FullUser}}}"""));
        using var client = TestClients.Create(stub);

        await client.AsUser("u-viewer").Contact.Users.GetAsync("ou_1");

        Assert.Equal("Bearer u-viewer", Assert.Single(stub.Requests).Authorization);
        Assert.Equal(0, stub.TokenRequests);
    }

    [Fact]
    public async Task Batch_users_repeats_user_ids_and_takes_at_most_50()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"items":[{"open_id":"ou_1","name":"A"},{"open_id":"ou_3","name":"C"}]}"""));
        using var client = TestClients.Create(stub);

        var users = await client.Contact.Users.BatchGetAsync(["ou_1", "ou_2", "ou_3"], UserIdType.OpenId, DepartmentIdType.DepartmentId);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("/open-apis/contact/v3/users/batch", call.Path);
        Assert.Equal("?user_ids=ou_1&user_ids=ou_2&user_ids=ou_3&user_id_type=open_id&department_id_type=department_id", call.Query);
        Assert.Equal(["ou_1", "ou_3"], users.Select(u => u.OpenId));

        await client.Contact.Users.BatchGetAsync(Enumerable.Range(0, 50).Select(i => $"ou_{i}"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Contact.Users.BatchGetAsync(Enumerable.Range(0, 51).Select(i => $"ou_{i}")));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Contact.Users.BatchGetAsync([]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Contact.Users.BatchGetAsync(["ou_1", " "]));
        Assert.Equal(2, stub.ApiRequests);
    }

    [Fact]
    public async Task Get_department_reads_every_documented_field_with_the_string_order_and_camel_case_leaders()
    {
        var stub = new StubHandler((_, _) => Responses.Ok($$"""{"department":{{FullDepartment}}}"""));
        using var client = TestClients.Create(stub);

        var department = await client.Contact.Departments.GetAsync("D096", DepartmentIdType.DepartmentId, UserIdType.UserId);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("/open-apis/contact/v3/departments/D096", call.Path);
        Assert.Equal("?department_id_type=department_id&user_id_type=user_id", call.Query);
        Assert.Equal(("Platform", "od-1", "D096", "od-2"), (department.Name, department.ParentDepartmentId, department.DepartmentId, department.OpenDepartmentId));
        Assert.Equal(new ContactI18nName { ZhCn = "平台", JaJp = "プラットフォーム", EnUs = "Platform" }, department.I18nName);
        Assert.Equal(("ou_boss", "oc_dept", 100L, 12, 10), (department.LeaderUserId, department.ChatId, department.Order, department.MemberCount, department.PrimaryMemberCount));
        Assert.Equal(["unit-1"], department.UnitIds);
        Assert.False(department.IsDeleted);
        Assert.Equal([new ContactDepartmentLeader { LeaderType = 1, LeaderId = "ou_boss" }, new ContactDepartmentLeader { LeaderType = 2, LeaderId = "ou_deputy" }], department.Leaders);
        Assert.Equal([1, 2], department.GroupChatEmployeeTypes);
        Assert.Equal(["ou_hr"], department.DepartmentHrbps);
    }

    [Fact]
    public async Task Batch_departments_repeats_department_ids_and_takes_at_most_50()
    {
        var stub = new StubHandler((_, _) => Responses.Ok($$"""{"items":[{{FullDepartment}}]}"""));
        using var client = TestClients.Create(stub);

        var departments = await client.Contact.Departments.BatchGetAsync(["od-2", "od-9"]);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("/open-apis/contact/v3/departments/batch", call.Path);
        Assert.Equal("?department_ids=od-2&department_ids=od-9&department_id_type=open_department_id&user_id_type=open_id", call.Query);
        Assert.Equal("od-2", Assert.Single(departments).OpenDepartmentId);
        await Assert.ThrowsAsync<ArgumentException>(() => client.Contact.Departments.BatchGetAsync(Enumerable.Range(0, 51).Select(i => $"od-{i}")));
        Assert.Equal(1, stub.ApiRequests);
    }

    [Fact]
    public async Task Parents_page_up_the_chain_lazily_and_refuse_a_page_over_50()
    {
        var stub = new StubHandler((request, _) => Responses.Ok(request.Query.Contains("page_token=p2", StringComparison.Ordinal)
            ? """{"has_more":false,"items":[{"name":"R&D","open_department_id":"od-1","parent_department_id":"0"}]}"""
            : """{"has_more":true,"page_token":"p2","items":[{"name":"Platform","open_department_id":"od-2","parent_department_id":"od-1"}]}"""));
        using var client = TestClients.Create(stub);

        Assert.Throws<ArgumentOutOfRangeException>(() => client.Contact.Departments.ListParentsAsync("od-3", pageSize: 51));
        Assert.Throws<ArgumentException>(() => client.Contact.Departments.ListParentsAsync(""));
        var chain = new List<string>();
        await foreach (var parent in client.Contact.Departments.ListParentsAsync("od-3", pageSize: 50))
        {
            chain.Add(parent.OpenDepartmentId);
        }

        Assert.Equal(["od-2", "od-1"], chain);
        Assert.All(stub.ApiCalls, c => Assert.Equal("/open-apis/contact/v3/departments/parent", c.Path));
        Assert.Equal("?department_id=od-3&department_id_type=open_department_id&user_id_type=open_id&page_size=50", stub.ApiCalls[0].Query);
        Assert.Equal("?department_id=od-3&department_id_type=open_department_id&user_id_type=open_id&page_size=50&page_token=p2", stub.ApiCalls[1].Query);
    }

    [Fact]
    public async Task Scopes_page_lazily_users_then_departments_then_groups_with_page_size_1_to_100()
    {
        var stub = new StubHandler((request, _) => Responses.Ok(request.Query.Contains("page_token=p2", StringComparison.Ordinal)
            ? """{"group_ids":["g1"],"has_more":false}"""
            : """{"department_ids":["D1","D2"],"user_ids":["u1"],"has_more":true,"page_token":"p2"}"""));
        using var client = TestClients.Create(stub);

        Assert.Throws<ArgumentOutOfRangeException>(() => client.Contact.Scopes.ListAsync(pageSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Contact.Scopes.ListAsync(pageSize: 101));
        var pages = new List<FeishuPage<ContactScopeEntry>>();
        await foreach (var page in client.Contact.Scopes.ListAsync(UserIdType.UserId, DepartmentIdType.DepartmentId).AsPages(pageSize: 100))
        {
            pages.Add(page);
        }

        Assert.Equal(
            [new ContactScopeEntry(ContactScopeKind.User, "u1"), new ContactScopeEntry(ContactScopeKind.Department, "D1"), new ContactScopeEntry(ContactScopeKind.Department, "D2")],
            pages[0].Items);
        Assert.Equal(("p2", true), (pages[0].NextPageToken, pages[0].HasMore));
        Assert.Equal([new ContactScopeEntry(ContactScopeKind.Group, "g1")], pages[1].Items);
        Assert.Equal("/open-apis/contact/v3/scopes", stub.ApiCalls[0].Path);
        Assert.Equal("?user_id_type=user_id&department_id_type=department_id&page_size=100", stub.ApiCalls[0].Query);
        Assert.Equal("?user_id_type=user_id&department_id_type=department_id&page_size=100&page_token=p2", stub.ApiCalls[1].Query);
    }

    [Theory]
    [InlineData(FeishuErrorCodes.ContactNoDepartmentAuthority, HttpStatusCode.Forbidden)]
    [InlineData(FeishuErrorCodes.ContactDepartmentNotFound, HttpStatusCode.BadRequest)]
    [InlineData(FeishuErrorCodes.ContactNoUserAuthority, HttpStatusCode.BadRequest)]
    [InlineData(FeishuErrorCodes.ContactInvalidPageSize, HttpStatusCode.BadRequest)]
    public async Task Contact_errors_surface_as_their_named_codes(int code, HttpStatusCode status)
    {
        var stub = new StubHandler((_, _) => Responses.Error(code, "refused", status));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Contact.Departments.GetAsync("od-1"));

        Assert.Equal(code, ex.Code);
        Assert.Equal(status, ex.HttpStatus);
        Assert.False(ex.IsTransient);
    }
}
