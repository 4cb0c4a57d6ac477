using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>A seed file sets an app's developer, contact scope and field scopes, and the users' employment fields.</summary>
public sealed class ContactSeedTests
{
    [Fact]
    public async Task A_seeded_apps_scope_fields_and_developer_apply_to_its_token()
    {
        var seed = Path.Combine(Path.GetTempPath(), $"larkway-contact-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seed, """
            {
              "departments": [{ "name": "Ops", "department_id": "ops" }, { "name": "Legal", "department_id": "legal" }],
              "users": [
                { "name": "Olga", "email": "olga@acme.test", "departments": ["ops"], "job_title": "SRE", "employee_type": 2 },
                { "name": "Lena", "email": "lena@acme.test", "departments": ["legal"] }
              ],
              "apps": [{ "app_id": "cli_0123456789abcdef", "app_secret": "seeded-secret", "developer": "partner",
                         "contact_scope": { "departments": ["ops"] }, "contact_field_scopes": ["contact:user.base:readonly", "contact:user.employee:readonly"] }]
            }
            """);
        try
        {
            await using var emulator = await TestEmulator.StartAsync(o => o.SeedFile = seed);
            using var tokenReply = await emulator.PostJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = "cli_0123456789abcdef", app_secret = "seeded-secret" });
            var token = tokenReply.Json.Str("tenant_access_token");
            var (olga, lena) = (emulator.User("olga@acme.test"), emulator.User("lena@acme.test"));

            using var visible = await emulator.GetAsync($"/open-apis/contact/v3/users/{emulator.State.OpenIdFor("cli_0123456789abcdef", olga)}", token);
            var user = visible.Data.GetProperty("user");
            Assert.Equal("SRE", user.Str("job_title"));
            Assert.Equal(2, user.GetProperty("employee_type").GetInt32());
            Assert.False(user.TryGetProperty("email", out _));
            Assert.NotEqual(olga.UnionId, user.Str("union_id"));

            using var hidden = await emulator.GetAsync($"/open-apis/contact/v3/users/{emulator.State.OpenIdFor("cli_0123456789abcdef", lena)}", token);
            Assert.Equal(41050, hidden.Code);

            // The Emulator's own app keeps the seeded ids and sees everyone.
            Assert.Equal(emulator.Options.AppId, emulator.State.HomeAppId);
            using var own = await emulator.GetAsync($"/open-apis/contact/v3/users/{lena.OpenId}", await emulator.TenantTokenAsync());
            Assert.Equal(0, own.Code);
        }
        finally
        {
            File.Delete(seed);
        }
    }
}
