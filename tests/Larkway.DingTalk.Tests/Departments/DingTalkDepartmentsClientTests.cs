using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Shouldly;

namespace Larkway.DingTalk.Tests.Departments;

/// <summary>The departments client against answers shaped as DingTalk documents them (a stub network).</summary>
public sealed class DingTalkDepartmentsClientTests : IDisposable
{
    private readonly StubHandler _handler = new();
    private readonly DingTalkClient _client;

    public DingTalkDepartmentsClientTests() =>
        _client = new DingTalkClient(new DingTalkAppOptions { AppKey = "dingdepts", AppSecret = "secret", OapiBaseUrl = new Uri("http://oapi.test/") }, handler: _handler);

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }

    [Fact]
    public async Task Listsub_posts_the_department_and_reads_each_sub_departments_id_name_and_parent()
    {
        _handler.Answer("/topapi/v2/department/listsub", """{"errcode":0,"errmsg":"ok","result":[{"dept_id":2,"name":"Engineering","parent_id":1,"create_dept_group":true,"auto_add_user":false},{"dept_id":3,"name":"Sales","parent_id":1}],"request_id":"r1"}""");

        var departments = await _client.Departments.ListSubAsync(1);

        departments.Select(d => (d.Id, d.Name, d.ParentId)).ShouldBe([(2L, "Engineering", (long?)1), (3L, "Sales", (long?)1)]);
        departments[0].CreateDepartmentGroup.ShouldBeTrue();
        var sent = _handler.Body("/topapi/v2/department/listsub");
        sent.GetProperty("dept_id").GetInt64().ShouldBe(1);
        _handler.Query("/topapi/v2/department/listsub").ShouldContain("access_token=old-token");
    }

    [Fact]
    public async Task Get_reads_order_and_managers_and_the_root_has_no_parent()
    {
        _handler.Answer("/topapi/v2/department/get", """{"errcode":0,"errmsg":"ok","result":{"dept_id":1,"name":"Larkway Dev","order":0,"dept_manager_userid_list":["alice","carol"]}}""");

        var root = await _client.Departments.GetAsync(1);

        root.ParentId.ShouldBeNull();
        root.Order.ShouldBe(0);
        root.ManagerUserIds.ShouldBe(["alice", "carol"]);
    }

    [Fact]
    public async Task Listsubid_reads_the_ids()
    {
        _handler.Answer("/topapi/v2/department/listsubid", """{"errcode":0,"errmsg":"ok","result":{"dept_id_list":[2,3]}}""");

        (await _client.Departments.ListSubIdsAsync(1)).ShouldBe([2L, 3L]);
    }

    [Fact]
    public async Task A_department_outside_the_scope_is_a_refusal_with_its_code_and_no_retry()
    {
        _handler.Answer("/topapi/v2/department/listsub", """{"errcode":50004,"errmsg":"请求的部门id不在授权范围内"}""");

        var ex = await Should.ThrowAsync<DingTalkApiException>(() => _client.Departments.ListSubAsync(7));

        ex.Code.ShouldBe("50004");
        ex.IsTransient.ShouldBeFalse();
        _handler.Calls("/topapi/v2/department/listsub").ShouldBe(1);
    }

    [Fact]
    public async Task The_contact_scope_is_read_from_the_top_level_of_auth_scopes()
    {
        _handler.Answer("/auth/scopes", """{"errcode":0,"errmsg":"ok","auth_user_field":["name","mobile"],"auth_org_scopes":{"authed_dept":[2,5],"authed_user":["carol"]}}""");

        var scope = await _client.Departments.GetContactScopeAsync();

        scope.DepartmentIds.ShouldBe([2L, 5L]);
        scope.UserIds.ShouldBe(["carol"]);
        scope.UserFields.ShouldBe(["name", "mobile"]);
    }

    [Fact]
    public async Task User_list_reads_the_enterprise_mailbox_job_number_and_leader()
    {
        _handler.Answer("/topapi/v2/user/list", """{"errcode":0,"errmsg":"ok","result":{"has_more":false,"list":[{"userid":"carol","unionid":"u3","name":"Carol Wang","mobile":"13800000003","email":"carol@example.com","org_email":"carol@corp.example.com","job_number":"LD0003","title":"Sales Manager","dept_id_list":[3],"active":true,"leader":true}]}}""");

        var page = await _client.Users.ListDepartmentMembersAsync(3);

        var carol = page.Users.ShouldHaveSingleItem();
        carol.OrgEmail.ShouldBe("carol@corp.example.com");
        carol.JobNumber.ShouldBe("LD0003");
        carol.Leader.ShouldBe(true);
        page.NextCursor.ShouldBeNull();
    }

    private sealed class StubHandler : HttpMessageHandler
    {
        private readonly ConcurrentDictionary<string, string> _answers = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<(string Path, string Query, string Body)> _calls = new();

        public void Answer(string path, string json) => _answers[path] = json;

        public JsonElement Body(string path) => JsonDocument.Parse(_calls.First(c => c.Path == path).Body).RootElement.Clone();

        public string Query(string path) => _calls.First(c => c.Path == path).Query;

        public int Calls(string path) => _calls.Count(c => c.Path == path);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            _calls.Enqueue((path, request.RequestUri.Query, body));
            var answer = path == "/gettoken"
                ? """{"errcode":0,"errmsg":"ok","access_token":"old-token","expires_in":7200}"""
                : _answers.GetValueOrDefault(path, """{"errcode":404,"errmsg":"not stubbed"}""");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
        }
    }
}
