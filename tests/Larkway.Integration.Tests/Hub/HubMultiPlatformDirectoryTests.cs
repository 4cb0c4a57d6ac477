using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;

using static Larkway.Integration.Tests.Hub.DirectoryApi;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// One directory for a company on Feishu and DingTalk: the Hub reads its Feishu app's contacts, then its DingTalk app's
/// (<c>Larkway:Directory:AlsoFrom</c>). A person on both is one person (found by email), with Feishu's fields and both
/// accounts; a person on DingTalk alone is added; an account two people could be is held for an administrator, never
/// merged; a person who leaves DingTalk but stays on Feishu loses only the DingTalk account.
/// </summary>
public sealed class HubMultiPlatformDirectoryTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Larkway:Directory:AlsoFrom:0"] = HubDingTalkTests.AppName,
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:Directory:PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task Feishu_and_DingTalk_people_are_one_directory_matched_by_email_a_doubtful_match_held_and_a_DingTalk_leaver_kept_as_a_Feishu_person()
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

        var (feishuRun, dingTalkRun) = await SyncBothAsync(admin);
        feishuRun.GetProperty("status").GetString().ShouldBe("completed", feishuRun.ToString());
        dingTalkRun.GetProperty("status").GetString().ShouldBe("completed", dingTalkRun.ToString());
        dingTalkRun.GetProperty("app").GetString().ShouldBe(HubDingTalkTests.AppName);

        // Alice is one person with both accounts and Feishu's fields; her departments are Feishu's and DingTalk's, apart.
        var alice = await PersonByEmailAsync(admin, "alice@example.com");
        alice.GetProperty("name").GetString().ShouldBe("Alice Chen");
        alice.GetProperty("open_ids").GetProperty(HubDingTalkTests.AppName).GetString().ShouldBe("alice");
        alice.GetProperty("open_ids").GetProperty("default").GetString().ShouldStartWith("ou_");
        var aliceDepartments = alice.GetProperty("departments").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToList();
        aliceDepartments.ShouldContain($"{HubDingTalkTests.AppName}:2");
        aliceDepartments.Count.ShouldBe(2, alice.ToString());

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
        (_, dingTalkRun) = await SyncBothAsync(admin);
        dingTalkRun.GetProperty("status").GetString().ShouldBe("completed", dingTalkRun.ToString());

        (await OlgaAsync()).GetProperty("open_ids").GetProperty(HubDingTalkTests.AppName).GetString().ShouldBe("ops");
        var bob = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/directory/people/{(await PersonByEmailAsync(admin, "bob@example.com")).GetProperty("id").GetString()}");
        bob.GetProperty("status").GetString().ShouldBe("active");
        bob.GetProperty("open_ids").TryGetProperty(HubDingTalkTests.AppName, out _).ShouldBeFalse(bob.ToString());
        bob.GetProperty("departments").EnumerateArray().ShouldAllBe(d => !d.GetProperty("id").GetString()!.StartsWith(HubDingTalkTests.AppName + ":", StringComparison.Ordinal));
        bob.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("fields").TryGetProperty("apps", out var apps) && apps.GetProperty("new").GetString() == "default")
            .ShouldBeTrue(bob.ToString());
        (await PersonByEmailAsync(admin, "erin@example.com")).GetProperty("status").GetString().ShouldBe("resigned");
    }

    /// <summary>Starts a full sync and waits for both apps' runs (Feishu's, then DingTalk's, started as the first ends).</summary>
    private static async Task<(JsonElement Feishu, JsonElement DingTalk)> SyncBothAsync(HttpClient admin)
    {
        using var started = await admin.PostAsync("/api/v1/directory/sync", null);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        JsonElement runs = default;
        await HubSandbox.WaitUntilAsync(
            () =>
            {
                runs = admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/sync?limit=2").GetAwaiter().GetResult().GetProperty("items").Clone();
                return runs.GetArrayLength() == 2 && runs[1].GetProperty("id").GetString() == id
                    && runs[0].GetProperty("status").GetString() != "running" && runs[1].GetProperty("status").GetString() != "running";
            },
            "the Feishu app's run and the DingTalk app's after it", seconds: 120);
        return (runs[1], runs[0]);
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
