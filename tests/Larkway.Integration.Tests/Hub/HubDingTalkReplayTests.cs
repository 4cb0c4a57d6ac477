using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Tests.TestSupport;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The outgoing robot's once-only signatures on PostgreSQL: a signature accepted by one replica is refused with another
/// body by the other (the rule lives in the database, not in a replica's memory); it belongs to the AppSecret that made
/// it, not to a Hub app's name; it is recorded even when its request is refused for another reason; and a signature
/// never seen is taken only within the Hub's callback window.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HubDingTalkReplayTests(PostgresCluster cluster)
{
    private const string AppName = "dt-org";

    [Fact]
    public async Task A_signature_used_on_one_replica_is_refused_with_another_body_on_the_other()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var data = Directory.CreateTempSubdirectory("larkway-hub-dt-replay-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Larkway:Storage:Provider"] = "Postgres",
            ["Larkway:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
        };
        await using var first = await HubSandbox.StartAgainstAsync(emulator, "webhook", settings, data);
        await using var second = await HubSandbox.StartAgainstAsync(emulator, "webhook", settings, data);
        using (var admin = new HttpClient { BaseAddress = first.Host.BaseUrl })
        {
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
            using var added = await admin.PostAsJsonAsync("/api/v1/apps", new
            {
                name = AppName,
                platform = "dingtalk",
                app_id = EmulatorOptions.DefaultDingTalkAppKey,
                app_secret = EmulatorOptions.DefaultDingTalkAppSecret,
                base_url = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
            });
            added.EnsureSuccessStatusCode();
        }

        // The second replica knows the app once an unsigned request is refused for what it lacks, not as unknown (404).
        await HubSandbox.WaitUntilAsync(
            () =>
            {
                using var probe = second.Api.PostAsync($"/dingtalk/apps/{AppName}/callback", new StringContent("{}", Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
                return probe.StatusCode != HttpStatusCode.NotFound;
            },
            "the app on the second replica");

        var genuine = JsonSerializer.Serialize(new { msgId = "msg-pg-1", conversationId = "cid-bob", conversationType = "1", senderStaffId = "bob", text = new { content = "hi" }, msgtype = "text" });
        var forged = JsonSerializer.Serialize(new { msgId = "msg-pg-2", conversationId = "cid-bob", conversationType = "1", senderStaffId = "ceo", text = new { content = "hi" }, msgtype = "text" });
        var (timestamp, sign) = HubDingTalkTests.RobotSign(EmulatorOptions.DefaultDingTalkAppSecret, DateTimeOffset.UtcNow);

        // The forged body goes to the second replica before it has seen the pair at all: only the ledger the first
        // replica wrote can refuse it (a ledger each replica kept for itself would take it).
        using var accepted = await HubDingTalkTests.SignedAsync(first, genuine, timestamp, sign);
        using var replayed = await HubDingTalkTests.SignedAsync(second, forged, timestamp, sign);
        using var resent = await HubDingTalkTests.SignedAsync(second, genuine, timestamp, sign);

        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        replayed.StatusCode.ShouldBe(HttpStatusCode.Conflict, "the pair the first replica took, with another body");
        resent.StatusCode.ShouldBe(HttpStatusCode.OK, "the same delivery on another replica");
    }

    [Fact]
    public async Task Two_stored_apps_with_one_AppSecret_take_a_signature_with_one_body_whichever_app_it_is_sent_to()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", await PostgresAsync());
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator, AppName);
        await AddAppAsync(admin, emulator, "dt-copy");
        var (timestamp, sign) = HubDingTalkTests.RobotSign(EmulatorOptions.DefaultDingTalkAppSecret, DateTimeOffset.UtcNow);

        using var accepted = await SignedAsync(hub, AppName, Message("msg-twin-1", "bob"), timestamp, sign);
        using var toTheTwin = await SignedAsync(hub, "dt-copy", Message("msg-twin-2", "ceo"), timestamp, sign);
        using var toTheFirst = await SignedAsync(hub, AppName, Message("msg-twin-2", "ceo"), timestamp, sign);

        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        toTheTwin.StatusCode.ShouldBe(HttpStatusCode.Conflict, "the other app has the same AppSecret: the pair is already used");
        toTheFirst.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_signature_refused_because_its_app_is_disabled_is_recorded_and_cannot_carry_another_body_once_enabled()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", await PostgresAsync());
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator, AppName);
        (await admin.PatchAsJsonAsync($"/api/v1/apps/{AppName}", new { enabled = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (timestamp, sign) = HubDingTalkTests.RobotSign(EmulatorOptions.DefaultDingTalkAppSecret, DateTimeOffset.UtcNow);

        using var whileDisabled = await SignedAsync(hub, AppName, Message("msg-off-1", "bob"), timestamp, sign);
        (await admin.PatchAsJsonAsync($"/api/v1/apps/{AppName}", new { enabled = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var anotherBody = await SignedAsync(hub, AppName, Message("msg-off-2", "ceo"), timestamp, sign);
        using var resent = await SignedAsync(hub, AppName, Message("msg-off-1", "bob"), timestamp, sign);

        whileDisabled.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        anotherBody.StatusCode.ShouldBe(HttpStatusCode.Conflict, "the pair was seen while the app was disabled");
        resent.StatusCode.ShouldBe(HttpStatusCode.OK, "DingTalk sending the refused delivery again, now that the app is enabled");
    }

    [Fact]
    public async Task A_signature_never_seen_is_taken_only_within_the_callback_window()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", await PostgresAsync());
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator, AppName);
        var now = DateTimeOffset.UtcNow;

        // Larkway:Apps:CallbackTimestampWindow is 5 minutes by default: a pair signed 20 minutes ago (inside DingTalk's
        // hour) is refused, one signed a minute ago is taken.
        var (staleTimestamp, staleSign) = HubDingTalkTests.RobotSign(EmulatorOptions.DefaultDingTalkAppSecret, now - TimeSpan.FromMinutes(20));
        var (freshTimestamp, freshSign) = HubDingTalkTests.RobotSign(EmulatorOptions.DefaultDingTalkAppSecret, now - TimeSpan.FromMinutes(1));
        using var stale = await SignedAsync(hub, AppName, Message("msg-window-1", "ceo"), staleTimestamp, staleSign);
        using var fresh = await SignedAsync(hub, AppName, Message("msg-window-2", "bob"), freshTimestamp, freshSign);

        stale.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("Larkway:Apps:CallbackTimestampWindow");
        fresh.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<Dictionary<string, string?>> PostgresAsync() => new()
    {
        ["Larkway:Storage:Provider"] = "Postgres",
        ["Larkway:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
    };

    private static HttpClient Admin(HubSandbox hub)
    {
        var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return admin;
    }

    /// <summary>Stores a DingTalk app named <paramref name="name"/> with the Emulator's org app's AppKey and AppSecret.</summary>
    private static async Task AddAppAsync(HttpClient admin, EmulatorServer emulator, string name)
    {
        using var added = await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name,
            platform = "dingtalk",
            app_id = EmulatorOptions.DefaultDingTalkAppKey,
            app_secret = EmulatorOptions.DefaultDingTalkAppSecret,
            base_url = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
        });
        added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
    }

    private static string Message(string id, string sender) =>
        JsonSerializer.Serialize(new { msgId = id, conversationId = "cid-" + sender, conversationType = "1", senderStaffId = sender, text = new { content = "hi" }, msgtype = "text" });

    /// <summary>Posts as DingTalk's outgoing robot to <paramref name="app"/>'s callback with the given headers.</summary>
    private static async Task<HttpResponseMessage> SignedAsync(HubSandbox hub, string app, string body, string timestamp, string sign)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/dingtalk/apps/{app}/callback") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("timestamp", timestamp);
        request.Headers.Add("sign", sign);
        return await hub.Api.SendAsync(request);
    }
}
