using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Contact;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.State;

/// <summary>The directory, contact scopes and per-app ids across a restart from the state file, and files written before them.</summary>
public sealed class DirectoryStateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-directory-state-").FullName;

    private string StateFile => Path.Combine(_folder, "emulator-state.json");

    [Fact]
    public async Task The_directory_scopes_and_every_apps_ids_survive_a_restart()
    {
        string secondAppsBob, generatedOpenId;
        await using (var first = await StartAsync())
        {
            await first.AddAppAsync(ContactDirectory.SecondApp, developer: "partner");
            await ContactDirectory.GenerateAsync(first, users: 40, departments: 5);
            using (var edit = await first.SendAsync(HttpMethod.Patch, "/_emulator/contact/users/bob@example.com", JsonSerializer.Serialize(new { job_title = "Lead", department_ids = new[] { "sales", "gen-d0002" } }), null))
            {
                Assert.Equal(0, edit.Code);
            }

            await ContactDirectory.SetScopeAsync(first, ContactDirectory.SecondApp, new { departments = new[] { "gen-d0001" }, users = new[] { "bob@example.com" } });
            first.State.SetContactFieldScopes(ContactDirectory.SecondApp, ["contact:user.base:readonly"]);
            secondAppsBob = first.State.OpenIdFor(ContactDirectory.SecondApp, first.User("bob@example.com"));
            generatedOpenId = first.State.FindUser("user_id", "gen000007")!.OpenId;
        }

        await using var second = await StartAsync();
        var bob = second.User("bob@example.com");
        Assert.Equal(second.Options.AppId, second.State.HomeAppId);
        Assert.Equal(secondAppsBob, second.State.OpenIdFor(ContactDirectory.SecondApp, bob));
        Assert.Equal("Lead", bob.JobTitle);
        Assert.Equal(2, bob.DepartmentIds.Count);
        Assert.Equal(generatedOpenId, second.State.FindUser("user_id", "gen000007")!.OpenId);
        var app = second.State.FindApp(ContactDirectory.SecondApp)!;
        Assert.Equal("partner", app.Developer);
        Assert.Equal(["contact:user.base:readonly"], app.ContactFieldScopes);
        Assert.False(app.ContactScope!.AllMembers);

        // The restored indexes and scope answer the API as before.
        var token = await second.TenantTokenAsync();
        var members = await ContactDirectory.AllPagesAsync(second, "/open-apis/contact/v3/users/find_by_department?department_id=gen-d0002&department_id_type=department_id", token);
        Assert.Contains(members, m => m.Str("open_id") == bob.OpenId);
        using var secondToken = await second.PostJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = ContactDirectory.SecondApp, app_secret = "secret-of-" + ContactDirectory.SecondApp });
        using var got = await second.GetAsync($"/open-apis/contact/v3/users/{secondAppsBob}", secondToken.Json.Str("tenant_access_token"));
        Assert.Equal(0, got.Code);
        Assert.False(got.Data.GetProperty("user").TryGetProperty("email", out _));
        Assert.Equal(second.State.UnionIdFor(ContactDirectory.SecondApp, bob), got.Data.GetProperty("user").Str("union_id"));
    }

    [Fact]
    public async Task A_file_written_before_per_app_ids_loads_with_the_emulators_own_app_keeping_its_ids()
    {
        string aliceOpenId;
        await using (var first = await StartAsync())
        {
            aliceOpenId = first.User("alice@example.com").OpenId;
        }

        // Take the file back to the older layout: no home app, no new app or user fields.
        var json = JsonNode.Parse(await File.ReadAllTextAsync(StateFile))!;
        var tenant = json["tenant"]!.AsObject();
        tenant.Remove("home_app_id");
        foreach (var user in tenant["users"]!.AsArray())
        {
            foreach (var name in new[] { "en_name", "enterprise_email", "job_title", "employee_no", "employee_type", "join_time", "leader_open_id", "city", "country", "gender" })
            {
                user!.AsObject().Remove(name);
            }
        }

        foreach (var app in tenant["apps"]!.AsArray())
        {
            app!.AsObject().Remove("developer");
            app.AsObject().Remove("contact_scope");
            app.AsObject().Remove("contact_field_scopes");
        }

        foreach (var department in tenant["departments"]!.AsArray())
        {
            department!.AsObject().Remove("order");
            department.AsObject().Remove("en_name");
            department.AsObject().Remove("leader_open_id");
        }

        await File.WriteAllTextAsync(StateFile, json.ToJsonString());

        await using var second = await StartAsync();
        Assert.Empty(Directory.GetFiles(_folder, "*.corrupt-*"));
        Assert.Equal(aliceOpenId, second.User("alice@example.com").OpenId);
        Assert.Equal(second.Options.AppId, second.State.HomeAppId);
        var token = await second.TenantTokenAsync();
        using var reply = await second.GetAsync($"/open-apis/contact/v3/users/{aliceOpenId}", token);
        Assert.Equal(0, reply.Code);
        Assert.Equal(1, reply.Data.GetProperty("user").GetProperty("employee_type").GetInt32());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<TestEmulator> StartAsync() => TestEmulator.StartAsync(o => o.StateFile = StateFile);
}
