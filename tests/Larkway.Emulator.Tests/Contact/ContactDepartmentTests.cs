using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>Contact v3 department routes on the raw wire: get, batch, children (fetch_child), the historical list, parent.</summary>
public sealed class ContactDepartmentTests
{
    private const string Departments = "/open-apis/contact/v3/departments";

    [Fact]
    public async Task Get_returns_the_department_in_the_requested_id_type_and_the_root_as_the_tenant()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var eng = emulator.State.FindDepartment("department_id", "eng")!;

        using var byCustomId = await emulator.GetAsync($"{Departments}/eng?department_id_type=department_id", token);
        var department = byCustomId.Data.GetProperty("department");
        Assert.Equal("eng", department.Str("department_id"));
        Assert.Equal(eng.OpenDepartmentId, department.Str("open_department_id"));
        Assert.Equal("0", department.Str("parent_department_id"));
        Assert.Equal("Engineering", department.Str("name"));
        Assert.Equal("Engineering", department.GetProperty("i18n_name").Str("en_us"));
        Assert.Equal(2, department.GetProperty("member_count").GetInt32());
        Assert.False(department.GetProperty("status").GetProperty("is_deleted").GetBoolean());

        using var byOpenId = await emulator.GetAsync($"{Departments}/{eng.OpenDepartmentId}", token);
        Assert.Equal(eng.OpenDepartmentId, byOpenId.Data.GetProperty("department").Str("department_id"));

        using var root = await emulator.GetAsync($"{Departments}/0", token);
        Assert.Equal("Larkway Dev", root.Data.GetProperty("department").Str("name"));
        Assert.Equal(4, root.Data.GetProperty("department").GetProperty("member_count").GetInt32());

        using var unknown = await emulator.GetAsync($"{Departments}/od-nope", token);
        Assert.Equal(403, unknown.Status);
        Assert.Equal(40004, unknown.Code);
    }

    [Fact]
    public async Task Batch_takes_repeated_department_ids()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();

        using var reply = await emulator.GetAsync($"{Departments}/batch?department_ids=sales&department_ids=nope&department_ids=eng&department_id_type=department_id", token);

        Assert.Equal(0, reply.Code);
        Assert.Equal(["sales", "eng"], reply.Data.GetProperty("items").EnumerateArray().Select(d => d.Str("department_id")));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("1")]
    [InlineData("T")]
    public async Task Fetch_child_pages_through_the_whole_tree_parents_first_however_true_is_spelled(string spelling)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ContactDirectory.GenerateAsync(emulator, users: 0, departments: 30);

        var all = await ContactDirectory.AllPagesAsync(emulator, $"{Departments}/0/children?fetch_child={spelling}", token, pageSize: 7);

        // 30 generated + the seed's 2, each once; every parent listed before its children.
        Assert.Equal(32, all.Count);
        Assert.Equal(32, all.Select(d => d.Str("open_department_id")).Distinct().Count());
        var seen = new HashSet<string> { "0" };
        foreach (var department in all)
        {
            Assert.Contains(department.Str("parent_department_id"), seen);
            seen.Add(department.Str("open_department_id"));
        }
    }

    [Theory]
    [InlineData("false")]
    [InlineData("False")]
    [InlineData("0")]
    public async Task Without_fetch_child_only_direct_children_come_default_ten_a_page(string spelling)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ContactDirectory.GenerateAsync(emulator, users: 0, departments: 300);

        // 300 generated: 17 first-level; plus the seed's 2.
        using var first = await emulator.GetAsync($"{Departments}/0/children?fetch_child={spelling}", token);
        Assert.Equal(10, first.Data.GetProperty("items").GetArrayLength());
        var direct = await ContactDirectory.AllPagesAsync(emulator, $"{Departments}/0/children?fetch_child={spelling}", token, pageSize: 50);
        Assert.Equal(19, direct.Count);
        Assert.All(direct, d => Assert.Equal("0", d.Str("parent_department_id")));

        var below = await ContactDirectory.AllPagesAsync(emulator, $"{Departments}/gen-d0001/children?department_id_type=department_id", token, pageSize: 50);
        Assert.All(below, d => Assert.Equal("gen-d0001", d.Str("parent_department_id")));
        Assert.Equal(Enumerable.Range(0, 300).Count(i => i >= 17 && (i - 17) % 17 == 0), below.Count);
    }

    [Fact]
    public async Task The_historical_list_and_the_parent_chain()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (var platform = await emulator.PostJsonAsync("/_emulator/contact/departments", new { name = "Platform", department_id = "platform", parent = "eng" }))
        using (var storage = await emulator.PostJsonAsync("/_emulator/contact/departments", new { name = "Storage", department_id = "storage", parent = "platform" }))
        {
            Assert.Equal(0, platform.Code);
            Assert.Equal(0, storage.Code);
        }

        var list = await ContactDirectory.AllPagesAsync(emulator, $"{Departments}?parent_department_id=eng&department_id_type=department_id&fetch_child=true", token);
        Assert.Equal(["platform", "storage"], list.Select(d => d.Str("department_id")));

        var chain = await ContactDirectory.AllPagesAsync(emulator, $"{Departments}/parent?department_id=storage&department_id_type=department_id", token);
        Assert.Equal(["platform", "eng"], chain.Select(d => d.Str("department_id")));

        using var missing = await emulator.GetAsync($"{Departments}/parent", token);
        Assert.Equal(40001, missing.Code);
    }

    [Theory]
    [InlineData("/0/children?fetch_child=yes", 40001)]
    [InlineData("/0/children?page_size=51", 40011)]
    [InlineData("?page_size=51", 40011)]
    [InlineData("/parent?department_id=eng&department_id_type=department_id&page_size=51", 40011)]
    [InlineData("/batch", 40001)]
    public async Task Malformed_queries_are_400s_with_the_contact_codes(string path, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();

        using var reply = await emulator.GetAsync(Departments + path, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.Code);
    }
}
