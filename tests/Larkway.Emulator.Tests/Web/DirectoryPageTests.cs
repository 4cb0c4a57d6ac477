using System.Net;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Web;

/// <summary>The /directory page: the tree and members as HTML, and its form posts (same-site only).</summary>
public sealed class DirectoryPageTests
{
    [Fact]
    public async Task The_page_shows_the_tree_and_a_departments_members_encoded()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using (var odd = await emulator.PostJsonAsync("/_emulator/contact/users", new { name = "<b>Eve</b>", email = "eve@example.com", department_ids = new[] { "eng" } }))
        {
            Assert.Equal(0, odd.Code);
        }

        var eng = emulator.State.FindDepartment("department_id", "eng")!;
        var html = await emulator.Http.GetStringAsync($"/directory?department={eng.OpenDepartmentId}");

        Assert.Contains("Engineering (3)", html, StringComparison.Ordinal);
        Assert.Contains("Sales (2)", html, StringComparison.Ordinal);
        Assert.Contains("alice@example.com", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;Eve&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Eve</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("carol@example.com", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forms_hire_resign_and_set_a_scope_and_refusals_come_back_as_a_notice()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var hire = await PostFormAsync(emulator, "/directory/users", ("name", "Henry Ho"), ("email", "henry@example.com"), ("department", "sales"));
        Assert.Equal(HttpStatusCode.Redirect, hire.StatusCode);
        Assert.Contains("Hired", Uri.UnescapeDataString(hire.Headers.Location!.ToString()), StringComparison.Ordinal);
        var henry = emulator.User("henry@example.com");
        Assert.Equal([emulator.State.FindDepartment("department_id", "sales")!.OpenDepartmentId], henry.DepartmentIds);

        using var resign = await PostFormAsync(emulator, $"/directory/users/{henry.UserId}/resign");
        Assert.Equal(HttpStatusCode.Redirect, resign.StatusCode);
        Assert.True(emulator.User("henry@example.com").IsResigned);

        using var edit = await PostFormAsync(emulator, "/directory/edit", ("user", "bob@example.com"), ("mobile", "13900000002"), ("department", ""));
        Assert.Equal("+8613900000002", emulator.User("bob@example.com").Mobile);
        Assert.Single(emulator.User("bob@example.com").DepartmentIds);

        using var scope = await PostFormAsync(emulator, $"/directory/apps/{emulator.Options.AppId}/scope", ("departments", emulator.State.FindDepartment("department_id", "eng")!.OpenDepartmentId));
        Assert.Equal(["eng"], emulator.State.FindApp(emulator.Options.AppId)!.ContactScope!.DepartmentIds.Select(d => emulator.State.FindDepartment("open_department_id", d)!.DepartmentId));

        using var duplicate = await PostFormAsync(emulator, "/directory/users", ("name", "Alice Again"), ("email", "alice@example.com"));
        var location = Uri.UnescapeDataString(duplicate.Headers.Location!.ToString());
        Assert.Contains("error=1", location, StringComparison.Ordinal);
        Assert.Contains("belongs to 'Alice Chen'", location, StringComparison.Ordinal);
        var page = await emulator.Http.GetStringAsync(duplicate.Headers.Location);
        Assert.Contains("flash-error", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cross_site_post_is_refused_and_changes_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/directory/users/bob/resign") { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await emulator.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(emulator.User("bob@example.com").IsResigned);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(TestEmulator emulator, string path, params (string Name, string Value)[] fields)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = emulator.Server.BaseUrl };
        return await client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
    }
}
