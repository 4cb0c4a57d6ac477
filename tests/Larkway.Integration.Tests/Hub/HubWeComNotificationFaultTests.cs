using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Notifications of a WeCom app while WeCom refuses <c>message/send</c> for its rate (45009 frequency, 45033 too many at
/// once), answers "system busy" (-1) and fails at the gateway (HTTP 502), armed in the Emulator: each member gets each
/// notification once, after back-off; a member WeCom does not know fails for good with WeCom's code and the reason.
/// </summary>
public sealed class HubWeComNotificationFaultTests
{
    private const string AppName = "wc-faults";

    private const string SendEndpoint = "POST /cgi-bin/message/send";

    private static readonly string[] Members = ["alice", "bob", "carol"];

    [Fact]
    public async Task WeComs_rate_limits_system_busy_and_server_errors_on_sends_delay_deliveries_but_lose_and_double_none_and_an_unknown_member_fails_with_the_reason()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", NotificationFaults.Settings);
        using var admin = HubDingTalkTests.Admin(hub);
        await HubWeComTests.AddAppAsync(admin, emulator, AppName);

        // More rate refusals than one send's own retries get through, so the outbox defers deliveries too; some sends
        // meet "system busy" or a 502 before WeCom does anything.
        const string faults = "/_emulator/wecom/faults";
        await NotificationFaults.ArmAsync(hub.Control, faults, new { endpoint = SendEndpoint, kind = "rate_limit", count = 15 });
        await NotificationFaults.ArmAsync(hub.Control, faults, new { endpoint = SendEndpoint, kind = "concurrency_limit", count = 6, every = 2 });
        await NotificationFaults.ArmAsync(hub.Control, faults, new { endpoint = SendEndpoint, kind = "system_busy", count = 6, every = 3 });
        await NotificationFaults.ArmAsync(hub.Control, faults, new { endpoint = SendEndpoint, kind = "server_error", count = 6, every = 4 });

        var plan = Enumerable.Range(0, 12).Select(i => $"WCF-{i:D4}").ToList();
        var ids = new List<string>();
        foreach (var marker in plan)
        {
            ids.Add(await NotificationFaults.QueueAsync(admin, AppName, marker, [.. Members.Select(m => new { wecom_userid = m })]));
        }

        var unknown = await NotificationFaults.QueueAsync(admin, AppName, "WCF-nobody", [new { wecom_userid = "nobody-here" }]);

        await HubSandbox.WaitUntilAsync(() => ids.All(id => HubDingTalkTests.Status(admin, id) == "sent"), "every notification sent", seconds: 120);
        foreach (var member in Members)
        {
            var page = await hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{member}/messages");
            var markers = page.GetProperty("items").EnumerateArray().Select(m => NotificationFaults.Marker(m.GetProperty("content").GetRawText())).OfType<string>().ToList();
            markers.ShouldBe(plan, ignoreOrder: true, $"{member} holds each notification once");
        }

        // Every fault was met: the deliveries went through the refusals, not around them.
        var left = await hub.Control.GetFromJsonAsync<JsonElement>(faults);
        left.GetProperty("items").GetArrayLength().ShouldBe(0);
        emulator.CallCounts["POST /wecom" + SendEndpoint[5..]].ShouldBeGreaterThanOrEqualTo(plan.Count * Members.Length + 33);

        // WeCom refuses a send to no valid member (81013): not retried, failed with WeCom's code and what to check.
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, unknown) == "failed", "the unknown member's delivery failed for good", seconds: 60);
        var error = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{unknown}")).GetProperty("recipients")[0].GetProperty("error");
        error.GetProperty("platform").GetString().ShouldBe("wecom");
        error.GetProperty("code").GetInt32().ShouldBe(81013);
        error.GetProperty("message").GetString()!.ShouldContain("invalid");
    }
}
