using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;

using static Larkway.Integration.Tests.Hub.DirectoryApi;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// One directory for a company on Feishu, DingTalk and WeCom: the Hub reads its Feishu app's contacts, then its DingTalk
/// app's, then its WeCom app's (<c>Larkway:Directory:AlsoFrom</c>), one run after another. A person on all three is one
/// person (found by email), with Feishu's fields and every account; a person on DingTalk alone is added; an account two
/// people could be is held for an administrator, never merged; a person who leaves DingTalk but stays on Feishu loses only
/// the DingTalk account.
/// </summary>
public sealed class HubMultiPlatformDirectoryTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Larkway:Directory:AlsoFrom:0"] = HubDingTalkTests.AppName,
        ["Larkway:Directory:AlsoFrom:1"] = WeComApp,
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:Directory:PollInterval"] = "00:00:00.200",
    };

    private const string WeComApp = "wc-dir";

    [Fact]
    public async Task Feishu_DingTalk_and_WeCom_people_are_one_directory_matched_by_email_a_doubtful_match_held_and_a_DingTalk_leaver_kept_as_a_Feishu_person()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Settings);
        using var admin = Client(hub);

        // Feishu: two people either of whom ops@example.com may be. DingTalk: Erin (on DingTalk alone) and the ops desk.
        await ControlAsync(hub, HttpMethod.Post, "/_emulator/contact/users", new { name = "Olga Ops", email = "ops@example.com", department_ids = new[] { "sales" } });
        await ControlAsync(hub, HttpMethod.Post, "/_emulator/contact/users", new { name = "Oscar Ops", email = "oscar@example.com", enterprise_email = "ops@example.com", department_ids = new[] { "sales" } });
        await ControlAsync(hub, HttpMethod.Put, "/_emulator/dingtalk/users/erin", new { name = "Erin Wu", deptIds = new[] { 2 }, email = "erin@example.com" });
        await ControlAsync(hub, HttpMethod.Put, "/_emulator/dingtalk/users/ops", new { name = "Ops Desk", deptIds = new[] { 3 }, email = "ops@example.com" });
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        await HubWeComDirectoryTests.AddAppAsync(admin, emulator, WeComApp);

        var runs = await SyncAllAsync(admin);
        runs.Select(r => (r.GetProperty("app").GetString(), r.GetProperty("status").GetString())).ShouldBe(
            [("default", "completed"), (HubDingTalkTests.AppName, "completed"), (WeComApp, "completed")], string.Join("\n", runs));

        // Alice is one person with the three accounts and Feishu's fields; her departments are each platform's, apart.
        var alice = await PersonByEmailAsync(admin, "alice@example.com");
        alice.GetProperty("name").GetString().ShouldBe("Alice Chen");
        alice.GetProperty("open_ids").GetProperty(HubDingTalkTests.AppName).GetString().ShouldBe("alice");
        alice.GetProperty("open_ids").GetProperty(WeComApp).GetString().ShouldBe("alice");
        alice.GetProperty("open_ids").GetProperty("default").GetString().ShouldStartWith("ou_");
        var aliceDepartments = alice.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToList();
        aliceDepartments.ShouldContain($"{HubDingTalkTests.AppName}:2");
        aliceDepartments.Count(d => d.StartsWith(WeComApp + ":", StringComparison.Ordinal)).ShouldBe(1, alice.ToString());
        aliceDepartments.Count.ShouldBe(3, alice.ToString());

        // Erin is on DingTalk alone: a person of her own, in DingTalk's Engineering.
        var erin = await PersonByEmailAsync(admin, "erin@example.com");
        erin.GetProperty("name").GetString().ShouldBe("Erin Wu");
        erin.GetProperty("open_ids").EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ShouldBe([(HubDingTalkTests.AppName, "erin")]);
        erin.GetProperty("departments").EnumerateArray().Select(d => (d.GetProperty("id").GetString(), d.GetProperty("path").GetString()))
            .ShouldBe([($"{HubDingTalkTests.AppName}:2", "Engineering")]);

        // The ops desk could be Olga or Oscar: held, and nobody has the account.
        var held = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/link-conflicts")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        held.GetProperty("platform").GetString().ShouldBe("dingtalk");
        held.GetProperty("user_id").GetString().ShouldBe("ops");
        held.GetProperty("reason").GetString().ShouldBe("several_by_email");
        held.GetProperty("candidates").GetArrayLength().ShouldBe(2);
        var people = await ListAsync(admin, "/api/v1/directory/people?limit=100");
        people.Count.ShouldBe(7, string.Join(", ", people.Select(p => p.GetProperty("name").GetString())));
        people.Any(p => p.GetProperty("open_ids").TryGetProperty(HubDingTalkTests.AppName, out var id) && id.GetString() == "ops").ShouldBeFalse();

        // The administrator says the desk is Olga's; Bob and Erin leave DingTalk (Bob stays on Feishu).
        // (ops@example.com is Oscar's enterprise email too.)
        async Task<JsonElement> OlgaAsync() => (await ListAsync(admin, "/api/v1/directory/people?email=ops@example.com")).Single(p => p.GetProperty("name").GetString() == "Olga Ops");
        var olga = await OlgaAsync();
        using (var resolved = await admin.PostAsJsonAsync($"/api/v1/directory/link-conflicts/{held.GetProperty("id").GetInt64()}/resolve", new { person_id = olga.GetProperty("id").GetString() }))
        {
            resolved.StatusCode.ShouldBe(HttpStatusCode.OK, await resolved.Content.ReadAsStringAsync());
        }

        await ControlAsync(hub, HttpMethod.Delete, "/_emulator/dingtalk/users/bob", null);
        await ControlAsync(hub, HttpMethod.Delete, "/_emulator/dingtalk/users/erin", null);
        runs = await SyncAllAsync(admin);
        runs.ShouldAllBe(r => r.GetProperty("status").GetString() == "completed");

        (await OlgaAsync()).GetProperty("open_ids").GetProperty(HubDingTalkTests.AppName).GetString().ShouldBe("ops");
        var bob = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/directory/people/{(await PersonByEmailAsync(admin, "bob@example.com")).GetProperty("id").GetString()}");
        bob.GetProperty("status").GetString().ShouldBe("active");
        bob.GetProperty("open_ids").TryGetProperty(HubDingTalkTests.AppName, out _).ShouldBeFalse(bob.ToString());
        bob.GetProperty("departments").EnumerateArray().ShouldAllBe(d => !d.GetProperty("id").GetString()!.StartsWith(HubDingTalkTests.AppName + ":", StringComparison.Ordinal));
        bob.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("fields").TryGetProperty("apps", out var apps) && apps.GetProperty("new").GetString() == $"default,{WeComApp}")
            .ShouldBeTrue(bob.ToString());
        (await PersonByEmailAsync(admin, "erin@example.com")).GetProperty("status").GetString().ShouldBe("resigned");
    }

    /// <summary>Starts a full sync and waits for the three apps' runs (each started as the one before ends), first to last.</summary>
    private static async Task<List<JsonElement>> SyncAllAsync(HttpClient admin)
    {
        using var started = await admin.PostAsync("/api/v1/directory/sync", null);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        List<JsonElement> runs = [];
        await HubSandbox.WaitUntilAsync(
            () =>
            {
                runs = [.. admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/sync?limit=3").GetAwaiter().GetResult().GetProperty("items").EnumerateArray().Select(r => r.Clone()).Reverse()];
                return runs.Count == 3 && runs[0].GetProperty("id").GetString() == id && runs.All(r => r.GetProperty("status").GetString() != "running");
            },
            "the three apps' runs, one after another", seconds: 180);
        return runs;
    }

    private static async Task ControlAsync(HubSandbox hub, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await hub.Control.SendAsync(request);
        response.IsSuccessStatusCode.ShouldBeTrue($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static HttpClient Client(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }
}
