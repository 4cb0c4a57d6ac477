using System.Net;
using System.Text;
using Larkway.Hub.Directory;
using Larkway.Hub.WeCom.Directory;
using Larkway.WeCom;
using Larkway.WeCom.Departments;
using Larkway.WeCom.Users;

namespace Larkway.Hub.Tests.WeCom.Directory;

/// <summary>WeCom's members and departments in the directory's terms, its refusals, and the departments listing in slices.</summary>
public sealed class WeComDirectorySourceTests
{
    [Fact]
    public void A_member_maps_userid_names_contacts_departments_leader_and_status()
    {
        var user = WeComContactMapping.Of(new WeComUser
        {
            UserId = "zhangsan", Name = "张三", Email = "zhangsan@gzdev.com", BizMail = "zhangsan@corp.wecom.work", Mobile = "13800000000",
            Department = [1, 2], DirectLeader = ["lisi", "wangwu"], Status = 1, Avatar = "",
        })!;

        user.Id.ShouldBe("zhangsan");
        user.UserId.ShouldBe("zhangsan");
        user.Name.ShouldBe("张三");
        user.Email.ShouldBe("zhangsan@gzdev.com");
        user.EnterpriseEmail.ShouldBe("zhangsan@corp.wecom.work");
        user.Mobile.ShouldBe("13800000000");
        user.DepartmentIds.ShouldBe(["0", "2"]);
        user.LeaderId.ShouldBe("lisi");
        user.AvatarUrl.ShouldBeNull();
        user.Status.ShouldBe(PersonStatus.Active);
    }

    [Theory]
    [InlineData(1, PersonStatus.Active)]
    [InlineData(2, PersonStatus.Frozen)]
    [InlineData(4, PersonStatus.Active)]
    [InlineData(5, PersonStatus.Resigned)]
    [InlineData(null, null)]
    public void Status_1_2_4_5_are_active_frozen_active_resigned(int? status, PersonStatus? expected) =>
        WeComContactMapping.Of(new WeComUser { UserId = "u", Status = status })!.Status.ShouldBe(expected);

    [Fact]
    public void Fields_an_app_is_not_given_are_not_shown_so_they_clear_nothing()
    {
        var user = WeComContactMapping.Of(new WeComUser { UserId = "u", Name = "U", Mobile = "", Department = [] })!;

        user.Mobile.ShouldBeNull();
        user.Email.ShouldBeNull();
        user.EnterpriseEmail.ShouldBeNull();
        user.DepartmentIds.ShouldBeNull();
        user.LeaderId.ShouldBeNull();
    }

    [Fact]
    public void A_department_maps_the_root_to_0_and_keeps_name_leader_and_order()
    {
        var top = WeComContactMapping.Of(new WeComDepartment { Id = 2, Name = "研发", ParentId = 1, Leaders = ["alice"], Order = 10 });
        var below = WeComContactMapping.Of(new WeComDepartment { Id = 5, Name = "Platform", ParentId = 2, Leaders = [] });

        (top.Id, top.ParentId, top.Name, top.LeaderId, top.Order).ShouldBe(("2", "0", "研发", "alice", 10L));
        (below.ParentId, below.LeaderId).ShouldBe(("2", ""));
        WeComContactMapping.DepartmentId(1).ShouldBe("0");
        WeComContactMapping.WeComDepartmentId("0").ShouldBe(1);
        WeComContactMapping.WeComDepartmentId("od-x").ShouldBeNull();
    }

    [Fact]
    public void Refusals_no_privilege_is_out_of_scope_rate_limits_wait_and_busy_goes_through()
    {
        var scope = WeComDirectorySource.Refused(new WeComApiException("60011", "no privilege to access/modify contact/party/agent"))!;
        var rate = WeComDirectorySource.Refused(new WeComApiException("45009", "api freq out of limit"))!;
        var concurrent = WeComDirectorySource.Refused(new WeComApiException("45033", "api concurrent out of limit"))!;

        (scope.Platform, scope.Code, scope.Refusal, scope.IsTransient, scope.RetryAfter).ShouldBe(("WeCom", "60011", DirectoryRefusal.DepartmentOutOfScope, false, (TimeSpan?)null));
        (rate.IsTransient, rate.RetryAfter).ShouldBe((true, TimeSpan.FromSeconds(60)));
        (concurrent.IsTransient, concurrent.RetryAfter).ShouldBe((true, TimeSpan.FromSeconds(1)));
        WeComDirectorySource.Refused(new WeComApiException("-1", "system busy")).ShouldBeNull();
        WeComDirectorySource.Refused(new WeComApiException("40058", "invalid parameter"))!.Refusal.ShouldBe(DirectoryRefusal.Other);
    }

    [Fact]
    public async Task The_root_listing_is_the_tree_below_WeComs_root_in_slices_with_names_from_department_get()
    {
        var ids = Enumerable.Range(2, 25).ToList();
        var handler = new Answers(path => path switch
        {
            "/cgi-bin/department/simplelist" => "{\"errcode\":0,\"errmsg\":\"ok\",\"department_id\":[{\"id\":1,\"parentid\":0,\"order\":1}," + string.Join(',', ids.Select(i => $"{{\"id\":{i},\"parentid\":1,\"order\":{i}}}")) + "]}",
            _ => null,
        }, query => $"{{\"errcode\":0,\"errmsg\":\"ok\",\"department\":{{\"id\":{query},\"name\":\"D{query}\",\"parentid\":1,\"order\":1,\"department_leader\":[]}}}}");
        using var client = new WeComClient(new WeComAppOptions { CorpId = "wwcorp", CorpSecret = "s", AgentId = 1000002, ApiBaseUrl = new Uri("http://wecom.test"), Retry = new() { MaxRetries = 0 } }, handler: handler);
        var reader = new WeComDirectorySource(null!, TimeProvider.System).Open("corp", client);

        var first = await reader.ListDepartmentsAsync("0", null, 50, CancellationToken.None);
        var second = await reader.ListDepartmentsAsync("0", first.Next, 50, CancellationToken.None);

        first.Items.Select(d => d.Id).ShouldBe(ids.Take(20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        first.Items[0].Name.ShouldBe("D2");
        first.Next.ShouldBe("20");
        second.Items.Count.ShouldBe(5);
        second.Next.ShouldBeNull();
        handler.Calls("/cgi-bin/department/simplelist").ShouldBe(1);
        handler.Calls("/cgi-bin/department/get").ShouldBe(25);
    }

    private sealed class Answers(Func<string, string?> byPath, Func<string, string> departmentGet) : HttpMessageHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _paths = new();

        public int Calls(string path) => _paths.Count(p => p == path);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            _paths.Enqueue(path);
            var json = path switch
            {
                "/cgi-bin/gettoken" => """{"errcode":0,"errmsg":"ok","access_token":"t","expires_in":7200}""",
                "/cgi-bin/department/get" => departmentGet(System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query)["id"]!),
                _ => byPath(path) ?? """{"errcode":40058,"errmsg":"invalid parameter"}""",
            };
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}
