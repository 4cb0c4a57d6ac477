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
/// Two Hubs on one PostgreSQL database: an outgoing-robot signature accepted by one replica is refused with another body
/// by the other — the once-only rule lives in the database, not in a replica's memory.
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

        using var accepted = await HubDingTalkTests.SignedAsync(first, genuine, timestamp, sign);
        using var resent = await HubDingTalkTests.SignedAsync(second, genuine, timestamp, sign);
        using var replayed = await HubDingTalkTests.SignedAsync(second, forged, timestamp, sign);

        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        resent.StatusCode.ShouldBe(HttpStatusCode.OK, "the same delivery on another replica");
        replayed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }
}
