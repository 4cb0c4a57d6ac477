using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>GET /open-apis/contact/v3/departments/{department_id}/children on the raw wire.</summary>
public sealed class DepartmentChildrenTests
{
    private static string Path(string departmentId) => $"/open-apis/contact/v3/departments/{departmentId}/children";

    [Fact]
    public async Task Direct_children_by_default_the_whole_subtree_with_fetch_child_in_pages()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var eng = emulator.State.Departments.Single(d => d.DepartmentId == "eng");
        emulator.State.AddDepartment(new EmulatorDepartment("od-platform", "platform", "Platform", "eng"));
        emulator.State.AddDepartment(new EmulatorDepartment("od-storage", "storage", "Storage", "od-platform"));

        using var direct = await emulator.GetAsync(Path(eng.OpenDepartmentId), token);
        Assert.Equal(0, direct.Code);
        var child = Assert.Single(direct.Data.GetProperty("items").EnumerateArray());
        Assert.Equal("od-platform", child.GetProperty("open_department_id").GetString());
        Assert.Equal(eng.OpenDepartmentId, child.GetProperty("parent_department_id").GetString());

        using var first = await emulator.GetAsync($"{Path("eng")}?department_id_type=department_id&fetch_child=true&page_size=1", token);
        Assert.Equal(0, first.Code);
        Assert.True(first.Data.GetProperty("has_more").GetBoolean());
        Assert.Equal("platform", Assert.Single(first.Data.GetProperty("items").EnumerateArray()).GetProperty("department_id").GetString());
        using var second = await emulator.GetAsync($"{Path("eng")}?department_id_type=department_id&fetch_child=true&page_size=1&page_token={first.Data.GetProperty("page_token").GetString()}", token);
        Assert.False(second.Data.GetProperty("has_more").GetBoolean());
        var grandchild = Assert.Single(second.Data.GetProperty("items").EnumerateArray());
        Assert.Equal("storage", grandchild.GetProperty("department_id").GetString());
        Assert.Equal("platform", grandchild.GetProperty("parent_department_id").GetString());

        using var root = await emulator.GetAsync(Path("0"), token);
        Assert.Equal(["eng", "sales"], root.Data.GetProperty("items").EnumerateArray()
            .Select(d => emulator.State.Departments.Single(s => s.OpenDepartmentId == d.GetProperty("open_department_id").GetString()).DepartmentId).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("od-nope", "", 403, 40004)]
    [InlineData("0", "?page_size=51", 400, 40011)]
    [InlineData("0", "?fetch_child=yes", 400, 40001)]
    [InlineData("0", "?department_id_type=name", 400, 40001)]
    public async Task Bad_requests_are_refused_with_the_contact_codes(string department, string query, int status, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();

        using var reply = await emulator.GetAsync(Path(department) + query, token);

        Assert.Equal(status, reply.Status);
        Assert.Equal(code, reply.Code);
    }
}
