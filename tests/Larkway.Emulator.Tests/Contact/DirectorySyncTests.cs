using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>The official full-sync recipe over the benchmark's directory size: every user exactly once.</summary>
public sealed class DirectorySyncTests
{
    [Fact]
    public async Task Children_from_the_root_then_find_by_department_for_each_yields_ten_thousand_users_once()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.EnforceRateLimits = false);
        var token = await emulator.TenantTokenAsync();
        await ContactDirectory.GenerateAsync(emulator, users: 10_000, departments: 300);

        var departments = await ContactDirectory.AllPagesAsync(emulator, "/open-apis/contact/v3/departments/0/children?fetch_child=true", token, pageSize: 50);
        var users = new List<string>();
        foreach (var department in departments.Select(d => d.Str("open_department_id")).Append("0"))
        {
            var page = await ContactDirectory.AllPagesAsync(emulator, $"/open-apis/contact/v3/users/find_by_department?department_id={department}", token, pageSize: 50);
            users.AddRange(page.Select(u => u.Str("open_id")));
        }

        Assert.Equal(302, departments.Count);
        Assert.Equal(10_004, users.Count);
        Assert.Equal(10_004, users.Distinct().Count());
    }
}
