using Larkway.WeCom.Tests.TestSupport;

namespace Larkway.WeCom.Tests.Departments;

public sealed class DepartmentsClientTests
{
    private static WeComClient Client(StubHandler stub) =>
        new(new WeComAppOptions { CorpId = "wwcorp", CorpSecret = "secret", AgentId = 1000002, ApiBaseUrl = new Uri("http://wecom.test"), Retry = new() { MaxRetries = 0 } }, handler: stub);

    [Fact]
    public async Task Simplelist_reads_ids_parents_and_order_of_the_department_and_below()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/department/simplelist",
            """{"errcode":0,"errmsg":"ok","department_id":[{"id":2,"parentid":1,"order":10},{"id":3,"parentid":2,"order":40}]}""");
        using var client = Client(stub);

        var list = await client.Departments.ListIdsAsync(2);

        list.ShouldBe([new(2, 1, 10), new(3, 2, 40)]);
        stub.To("/cgi-bin/department/simplelist").Single().Url.Query.ShouldContain("id=2");
    }

    [Fact]
    public async Task Get_reads_name_english_name_leaders_parent_and_order()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/department/get",
            """{"errcode":0,"errmsg":"ok","department":{"id":2,"name":"广州研发中心","name_en":"RDGZ","department_leader":["zhangsan","lisi"],"parentid":1,"order":10}}""");
        using var client = Client(stub);

        var department = await client.Departments.GetAsync(2);

        department.Name.ShouldBe("广州研发中心");
        department.NameEn.ShouldBe("RDGZ");
        department.Leaders.ShouldBe(["zhangsan", "lisi"]);
        department.ParentId.ShouldBe(1);
        department.Order.ShouldBe(10);
    }

    [Fact]
    public async Task A_department_outside_the_visible_range_is_refused_with_60011()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/department/get", """{"errcode":60011,"errmsg":"no privilege to access/modify contact/party/agent"}""");
        using var client = Client(stub);

        var ex = await Should.ThrowAsync<WeComApiException>(() => client.Departments.GetAsync(9));

        ex.Code.ShouldBe(WeComErrorCodes.NoContactPrivilege);
        ex.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task User_list_reads_each_member_with_details_and_status()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/user/list",
            """
            {"errcode":0,"errmsg":"ok","userlist":[
              {"userid":"zhangsan","name":"李四","department":[1,2],"order":[1,2],"position":"后台工程师","mobile":"13800000000","gender":"1",
               "email":"zhangsan@gzdev.com","biz_mail":"zhangsan@qyycs2.wecom.work","is_leader_in_dept":[1,0],"direct_leader":["lisi"],"status":1,"main_department":1},
              {"userid":"lisi","name":"Li","department":[2],"status":5}]}
            """);
        using var client = Client(stub);

        var members = await client.Users.ListDepartmentMembersDetailedAsync(2);

        members.Select(m => m.UserId).ShouldBe(["zhangsan", "lisi"]);
        members[0].Department.ShouldBe([1L, 2L]);
        members[0].Mobile.ShouldBe("13800000000");
        members[0].BizMail.ShouldBe("zhangsan@qyycs2.wecom.work");
        members[0].DirectLeader.ShouldBe(["lisi"]);
        members[1].Status.ShouldBe(5);
        members[1].Mobile.ShouldBeNull();
        stub.To("/cgi-bin/user/list").Single().Url.Query.ShouldContain("department_id=2");
    }

    [Fact]
    public async Task Agent_get_reads_the_visible_range()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/agent/get",
            """{"errcode":0,"errmsg":"ok","agentid":1000002,"name":"HR助手","allow_userinfos":{"user":[{"userid":"zhangshan"},{"userid":"lisi"}]},"allow_partys":{"partyid":[1]},"allow_tags":{"tagid":[1,2,3]},"close":0}""");
        using var client = Client(stub);

        var agent = await client.Agents.GetAsync(1000002);

        agent.AllowParties!.PartyId.ShouldBe([1L]);
        agent.AllowUserInfos!.User!.Select(u => u.UserId).ShouldBe(["zhangshan", "lisi"]);
        agent.AllowTags!.TagId.ShouldBe([1L, 2L, 3L]);
    }
}
