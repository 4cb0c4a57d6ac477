using Larkway.Feishu.Contact;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Contact;

public class DepartmentsClientTests
{
    [Fact]
    public async Task List_children_pages_lazily_with_fetch_child_and_the_id_types_and_maps_departments()
    {
        var stub = new StubHandler((request, _) => Responses.Ok(request.Query.Contains("page_token=p2", StringComparison.Ordinal)
            ? """{"has_more":false,"items":[{"name":"Gone","open_department_id":"od-3","parent_department_id":"od-2","status":{"is_deleted":true}}]}"""
            : """{"has_more":true,"page_token":"p2","items":[{"name":"Platform","department_id":"od-2","open_department_id":"od-2","parent_department_id":"od-1","status":{"is_deleted":false}}]}"""));
        using var client = TestClients.Create(stub);

        var departments = new List<ContactDepartment>();
        await foreach (var department in client.Contact.Departments.ListChildrenAsync("od-1", fetchChild: true, pageSize: 50))
        {
            departments.Add(department);
        }

        Assert.Equal(("od-2", "od-2", "Platform", "od-1", false), (departments[0].OpenDepartmentId, departments[0].DepartmentId, departments[0].Name, departments[0].ParentDepartmentId, departments[0].IsDeleted));
        Assert.Equal(("od-3", null, "Gone", "od-2", true), (departments[1].OpenDepartmentId, departments[1].DepartmentId, departments[1].Name, departments[1].ParentDepartmentId, departments[1].IsDeleted));
        Assert.Equal(2, stub.ApiCalls.Count);
        Assert.All(stub.ApiCalls, c => Assert.Equal("/open-apis/contact/v3/departments/od-1/children", c.Path));
        Assert.Equal("?department_id_type=open_department_id&user_id_type=open_id&fetch_child=true&page_size=50", stub.ApiCalls[0].Query);
        Assert.EndsWith("&page_token=p2", stub.ApiCalls[1].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_children_refuses_an_empty_id_or_a_page_over_50_before_sending()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"has_more":false,"items":[]}"""));
        using var client = TestClients.Create(stub);

        Assert.Throws<ArgumentException>(() => client.Contact.Departments.ListChildrenAsync(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Contact.Departments.ListChildrenAsync("od-1", pageSize: 51));
        await foreach (var _ in client.Contact.Departments.ListChildrenAsync("0", departmentIdType: DepartmentIdType.DepartmentId, userIdType: UserIdType.UserId))
        {
        }

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("/open-apis/contact/v3/departments/0/children", call.Path);
        Assert.Equal("?department_id_type=department_id&user_id_type=user_id&fetch_child=false", call.Query);
    }
}
