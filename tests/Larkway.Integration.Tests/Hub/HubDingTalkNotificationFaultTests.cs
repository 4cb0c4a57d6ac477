using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Notifications of a DingTalk app (no card template: the app robot's one-to-one messages) while DingTalk refuses sends for
/// its rate (HTTP 403 <c>Forbidden.AccessDenied.QpsLimitForApi</c>) and fails them (HTTP 500 <c>ServiceUnavailable</c>),
/// armed in the Emulator: each recipient gets each notification once, after back-off; a recipient DingTalk does not know
/// fails for good with the reason.
/// </summary>
public sealed class HubDingTalkNotificationFaultTests
{
    private const string SendEndpoint = "POST /v1.0/robot/oToMessages/batchSend";

    private static readonly string[] People = ["alice", "bob", "carol"];

    [Fact]
    public async Task DingTalks_rate_limits_and_server_errors_on_sends_delay_deliveries_but_lose_and_double_none_and_an_unknown_user_fails_with_the_reason()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", NotificationFaults.Settings);
        using var admin = HubDingTalkTests.Admin(hub);
        await HubDingTalkTests.AddAppAsync(admin, emulator);

        // More rate refusals than one send's own retries get through, so the outbox defers deliveries too; every third
        // send fails with a 5xx before DingTalk does anything (DingTalk's sends have no idempotency key: a failure after
        // posting would be a second message, which no retry can tell apart).
        await NotificationFaults.ArmAsync(hub.Control, "/_emulator/dingtalk/faults", new { endpoint = SendEndpoint, kind = "rate_limit", count = 20 });
        await NotificationFaults.ArmAsync(hub.Control, "/_emulator/dingtalk/faults", new { endpoint = SendEndpoint, kind = "server_error", count = 10, every = 3 });

        var plan = Enumerable.Range(0, 12).Select(i => $"DTF-{i:D4}").ToList();
        var ids = new List<string>();
        foreach (var marker in plan)
        {
            ids.Add(await NotificationFaults.QueueAsync(admin, HubDingTalkTests.AppName, marker, [.. People.Select(p => new { dingtalk_userid = p })]));
        }

        var unknown = await NotificationFaults.QueueAsync(admin, HubDingTalkTests.AppName, "DTF-nobody", [new { dingtalk_userid = "nobody-here" }]);

        await HubSandbox.WaitUntilAsync(() => ids.All(id => HubDingTalkTests.Status(admin, id) == "sent"), "every notification sent", seconds: 120);
        foreach (var person in People)
        {
            var markers = (await HubDingTalkTests.RobotMessagesAsync(hub, person)).Select(m => NotificationFaults.Marker(m.GetProperty("msgParam").GetRawText())).OfType<string>().ToList();
            markers.ShouldBe(plan, ignoreOrder: true, $"{person} holds each notification once");
        }

        // Every fault was met: the deliveries went through the refusals, not around them.
        var faults = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/faults");
        (faults.TryGetProperty("data", out var data) ? data : faults).GetProperty("items").GetArrayLength().ShouldBe(0);
        emulator.CallCounts["POST /dingtalk" + SendEndpoint[5..]].ShouldBeGreaterThanOrEqualTo(plan.Count * People.Length + 30);

        // DingTalk lists the unknown userid as invalid (HTTP 200): not retried, failed with what to check.
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, unknown) == "failed", "the unknown user's delivery failed for good", seconds: 60);
        var error = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{unknown}")).GetProperty("recipients")[0].GetProperty("error");
        error.GetProperty("message").GetString()!.ShouldContain("DingTalk does not know the user 'nobody-here'");
        error.GetProperty("message").GetString()!.ShouldContain("check the userid");
    }
}

/// <summary>What the DingTalk and WeCom notification fault tests share: short back-offs, arming a fault, queueing a notification.</summary>
internal static partial class NotificationFaults
{
    /// <summary>Short back-offs so retries happen within the test; everything else as deployed.</summary>
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Larkway:Notifications:RetryDelays:0"] = "00:00:00.200",
        ["Larkway:Notifications:RetryDelays:1"] = "00:00:00.500",
        ["Larkway:Notifications:PollInterval"] = "00:00:00.200",
        ["Larkway:Notifications:RateLimitedDelay"] = "00:00:00.300",
    };

    public static async Task ArmAsync(HttpClient control, string path, object fault)
    {
        using var armed = await control.PostAsJsonAsync(path, fault);
        armed.StatusCode.ShouldBe(HttpStatusCode.OK, await armed.Content.ReadAsStringAsync());
    }

    /// <summary>Queues a card notification of <paramref name="app"/> whose text carries <paramref name="marker"/>; its id.</summary>
    public static async Task<string> QueueAsync(HttpClient admin, string app, string marker, object[] recipients)
    {
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "purchase_order.created",
            idempotency_key = marker,
            app,
            card = new
            {
                header = new { title = new { tag = "plain_text", content = marker } },
                elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = "Fault run " + marker } } },
            },
            recipients,
        });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        return (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The first marker (<c>DTF-0001</c>, <c>WCF-0001</c>) in a message's text, or null.</summary>
    public static string? Marker(string text) => MarkerPattern().Match(text) is { Success: true } match ? match.Value : null;

    [System.Text.RegularExpressions.GeneratedRegex("(DTF|WCF)-[0-9]{4}")]
    private static partial System.Text.RegularExpressions.Regex MarkerPattern();
}
