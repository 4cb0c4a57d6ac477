using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The console shows people by the names the directory has for them, with the raw id beside it, and the id alone where
/// the directory knows no one by it (issue 28 §6); a name from Feishu's contact data is text, never markup.
/// </summary>
public sealed class HubConsolePeopleTests
{
    private const string Known = "ou_console0people0known";
    private const string Hostile = "ou_console0people0hostile";
    private const string Unknown = "ou_console0people0unknown";

    [Fact]
    public async Task Notification_pages_show_recipients_by_name_with_their_ids_and_unknown_ids_raw()
    {
        await using var hub = await HubSandbox.StartAsync();
        await AddPersonAsync(hub, "Zhang Wei", Known);
        await AddPersonAsync(hub, "<script>alert('name')</script>", Hostile);

        using var api = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        api.DefaultRequestHeaders.Authorization = new("Bearer", HubSandbox.AdminKey);
        string id;
        using (var sent = await api.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "ops.people",
            idempotency_key = "console-people-1",
            card = new { header = new { title = new { tag = "plain_text", content = "Hello" } }, elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "Hi" } } } },
            recipients = new object[] { new { open_id = Known }, new { open_id = Hostile }, new { open_id = Unknown }, new { email = "alice@example.com" } },
        }))
        {
            var text = await sent.Content.ReadAsStringAsync();
            sent.IsSuccessStatusCode.ShouldBeTrue(text);
            id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        }

        using var console = new ConsoleClient(hub.Host.BaseUrl);
        (await console.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();
        foreach (var page in new[] { "/console/notifications/" + id, "/console/notifications" })
        {
            var html = await console.Http.GetStringAsync(page);

            // The name, the id kept beside it (to copy) and in the title.
            html.ShouldContain($"<span class=\"person\" title=\"{Known}\">Zhang Wei</span> <span class=\"sub\"><code class=\"id\" title=\"{Known}\">{Known}</code></span>", customMessage: page);

            // A name is text: encoded, never a tag.
            html.ShouldNotContain("<script>alert", customMessage: page);
            html.ShouldContain("&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;", customMessage: page);

            // No one has this id: it shows as it is.
            html.ShouldContain($"<code class=\"id\" title=\"{Unknown}\">{Unknown}</code>", customMessage: page);
            html.ShouldNotContain($"<span class=\"person\" title=\"{Unknown}\">", customMessage: page);
        }
    }

    /// <summary>A person of the directory with an open_id under the Hub's default app, as a contact sync stores them.</summary>
    private static async Task AddPersonAsync(HubSandbox hub, string name, string openId)
    {
        var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            var person = new PersonRow { Id = "per_" + Guid.NewGuid().ToString("N"), Name = name, Status = PersonStatus.Active, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
            db.People.Add(person);
            db.PersonAppIds.Add(new PersonAppIdRow { PersonId = person.Id, App = "", OpenId = openId });
            await db.SaveChangesAsync();
        }
    }
}
