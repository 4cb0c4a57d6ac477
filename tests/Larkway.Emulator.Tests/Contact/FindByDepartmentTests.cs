using System.Text.Json;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>GET /open-apis/contact/v3/users/find_by_department on the raw wire.</summary>
public sealed class FindByDepartmentTests
{
    private const string Path = "/open-apis/contact/v3/users/find_by_department";

    [Fact]
    public async Task A_departments_active_direct_members_come_back_in_pages()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var eng = emulator.State.Departments.Single(d => d.DepartmentId == "eng");
        emulator.State.AddUser(new EmulatorUser("ou_left", "on_left", "left", "Left", "left@example.com", [eng.OpenDepartmentId], IsResigned: true));
        var expected = new[] { emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId }.Order(StringComparer.Ordinal).ToList();

        using var first = await emulator.GetAsync($"{Path}?department_id={eng.OpenDepartmentId}&page_size=1", token);
        Assert.Equal(0, first.Code);
        Assert.True(first.Data.GetProperty("has_more").GetBoolean());
        var item = Assert.Single(first.Data.GetProperty("items").EnumerateArray());
        Assert.Equal(expected[0], item.GetProperty("open_id").GetString());
        Assert.Equal([eng.OpenDepartmentId], item.GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));
        Assert.False(item.GetProperty("status").GetProperty("is_resigned").GetBoolean());

        var next = first.Data.GetProperty("page_token").GetString();
        using var second = await emulator.GetAsync($"{Path}?department_id=eng&department_id_type=department_id&page_size=1&page_token={next}", token);
        Assert.Equal(0, second.Code);
        Assert.False(second.Data.GetProperty("has_more").GetBoolean());
        var last = Assert.Single(second.Data.GetProperty("items").EnumerateArray());
        Assert.Equal(expected[1], last.GetProperty("open_id").GetString());
        Assert.Equal(["eng"], last.GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));
    }

    [Theory]
    [InlineData("?department_id=od-nope", 403, 40004)]
    [InlineData("", 400, 40001)]
    [InlineData("?department_id=0&page_size=51", 400, 40011)]
    [InlineData("?department_id=0&department_id_type=name", 400, 40001)]
    public async Task Bad_requests_are_refused_with_the_contact_codes(string query, int status, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();

        using var reply = await emulator.GetAsync(Path + query, token);

        Assert.Equal(status, reply.Status);
        Assert.Equal(code, reply.Code);
    }
}
