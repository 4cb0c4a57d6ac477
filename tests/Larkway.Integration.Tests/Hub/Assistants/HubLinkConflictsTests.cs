using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// One directory over several platforms never merges two people on a guess: a DingTalk member whose two emails (their own
/// and the org mailbox) name two people of the directory, or a WeCom member whose email names a person an administrator
/// already linked to another WeCom account, writes to the assistant as a guest and is held for an administrator, who links the account
/// to the right person (then it is that person) or dismisses it (then it stays a guest and is not held again).
/// </summary>
public sealed class HubLinkConflictsTests
{
    [Fact]
    public async Task An_account_matching_two_people_is_held_until_an_administrator_links_it_and_one_matching_a_person_linked_elsewhere_until_dismissed()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Sandbox:Assistant"] = "true",
            ["Larkway:Sandbox:People"] = "true",
        });
        using var admin = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 5 });
        var alice = await SandboxPlatforms.PersonAsync(hub, "alice@example.com");
        var bob = await SandboxPlatforms.PersonAsync(hub, "bob@example.com");
        var carol = await SandboxPlatforms.PersonAsync(hub, "carol@example.com");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);

        // Dana's DingTalk contact gives Alice's email as her own and Bob's as the org mailbox: two people, so no one.
        await ControlAsync(hub, HttpMethod.Put, "/_emulator/dingtalk/users/dana", new { name = "Dana", deptIds = new[] { 1 }, email = "alice@example.com", orgEmail = "bob@example.com" });
        await SandboxPlatforms.DingTalkSayAsync(hub, "dana", "cid-dana", "Where is the sales deck?");
        var first = (await driver.EndedTurnsAsync(1, 60)).Single();
        first.Status.ShouldBe(AssistantTurnStatus.Answered, first.LastError);
        first.PersonId.ShouldBeNull("two people match: the Hub does not pick one");
        (await LinksAsync(hub, "dana")).ShouldBeEmpty();

        var held = (await OpenAsync(admin)).ShouldHaveSingleItem();
        held.GetProperty("platform").GetString().ShouldBe(HubAppPlatform.DingTalk);
        held.GetProperty("user_id").GetString().ShouldBe("dana");
        held.GetProperty("reason").GetString().ShouldBe(PersonLinkConflictReason.SeveralByEmail);
        held.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("id").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe(new[] { alice, bob }.Order(StringComparer.Ordinal));
        var heldId = held.GetProperty("id").GetInt64();

        // Bad answers are refused, naming what to fix.
        using (var bad = await admin.PostAsJsonAsync($"/api/v1/directory/link-conflicts/{heldId}/resolve", new { person_id = "bob" }))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await bad.Content.ReadAsStringAsync()).ShouldContain("person_id");
        }

        using (var unknown = await admin.PostAsJsonAsync("/api/v1/directory/link-conflicts/999999/resolve", new { person_id = bob }))
        {
            unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        // The administrator says Dana's account is Bob's: linked, and her next question is Bob's.
        using (var resolved = await admin.PostAsJsonAsync($"/api/v1/directory/link-conflicts/{heldId}/resolve", new { person_id = bob }))
        {
            resolved.StatusCode.ShouldBe(HttpStatusCode.OK, await resolved.Content.ReadAsStringAsync());
            var body = await resolved.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("status").GetString().ShouldBe(PersonLinkConflictStatus.Resolved);
            body.GetProperty("person_id").GetString().ShouldBe(bob);
        }

        (await LinksAsync(hub, "dana")).ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            l => l.PersonId.ShouldBe(bob), l => l.Source.ShouldBe(PersonLinkSource.Admin));
        await SandboxPlatforms.DingTalkSayAsync(hub, "dana", "cid-dana", "And the pricing sheet?");
        (await driver.EndedTurnsAsync(2, 60)).OrderBy(t => t.Id).Last().PersonId.ShouldBe(bob);
        using (var again = await admin.PostAsJsonAsync($"/api/v1/directory/link-conflicts/{heldId}/resolve", new { person_id = alice }))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict, "decided already");
        }

        // On WeCom: an administrator linked Carol's account; an old account of hers with her email writes: held, not linked.
        using (var linked = await admin.PutAsJsonAsync($"/api/v1/directory/people/{carol}/links/wecom/wecom-sandbox", new { user_id = "carol" }))
        {
            linked.StatusCode.ShouldBe(HttpStatusCode.OK, await linked.Content.ReadAsStringAsync());
        }

        await ControlAsync(hub, HttpMethod.Put, "/_emulator/wecom/users/carol-old", new { name = "Carol (old)", department = new[] { 1 }, email = "carol@example.com" });
        await SandboxPlatforms.WeComSayAsync(hub, "carol-old", "Hello?");
        (await driver.EndedTurnsAsync(3, 60)).OrderBy(t => t.Id).Last().PersonId.ShouldBeNull();
        var elsewhere = (await OpenAsync(admin)).ShouldHaveSingleItem();
        elsewhere.GetProperty("platform").GetString().ShouldBe(HubAppPlatform.WeCom);
        elsewhere.GetProperty("user_id").GetString().ShouldBe("carol-old");
        elsewhere.GetProperty("reason").GetString().ShouldBe(PersonLinkConflictReason.PersonLinkedElsewhere);
        elsewhere.GetProperty("candidates").EnumerateArray().ShouldHaveSingleItem().GetProperty("name").GetString().ShouldNotBeNullOrEmpty();

        // Dismissed: it stays a guest, nothing is linked, and it is not held again.
        using (var dismissed = await admin.PostAsync($"/api/v1/directory/link-conflicts/{elsewhere.GetProperty("id").GetInt64()}/dismiss", null))
        {
            dismissed.StatusCode.ShouldBe(HttpStatusCode.OK, await dismissed.Content.ReadAsStringAsync());
            (await dismissed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe(PersonLinkConflictStatus.Dismissed);
        }

        (await OpenAsync(admin)).ShouldBeEmpty();
        (await LinksAsync(hub, "carol-old")).ShouldBeEmpty();
        var all = await admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/link-conflicts?status=any");
        all.GetProperty("items").GetArrayLength().ShouldBe(2);
        using var badStatus = await admin.GetAsync("/api/v1/directory/link-conflicts?status=pending");
        badStatus.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static async Task<List<JsonElement>> OpenAsync(HttpClient admin) =>
        [.. (await admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/link-conflicts")).GetProperty("items").EnumerateArray()];

    private static async Task ControlAsync(HubSandbox hub, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await hub.Control.SendAsync(request);
        response.IsSuccessStatusCode.ShouldBeTrue($"{method} {path}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<List<PersonLinkRow>> LinksAsync(HubSandbox hub, string userId)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.PersonLinks.AsNoTracking().Where(l => l.UserId == userId).ToListAsync();
    }
}
