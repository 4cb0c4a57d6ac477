using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// DingTalk's HTTP callbacks that fail verification are counted by reason and open the <c>DingTalkCallbacksRefused</c>
/// alert naming the app and the cause, as WeCom's do; refusals that are not verification failures (a replayed pair, a
/// body that is no robot message) are counted but never alerted on.
/// </summary>
public sealed class HubDingTalkCallbackAlertTests
{
    private const string AppName = "dt-alarm";

    [Fact]
    public async Task Robot_messages_signed_with_another_secret_are_counted_and_open_the_DingTalkCallbacksRefused_alert_with_the_cause()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using (var added = await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = AppName,
            platform = "dingtalk",
            app_id = EmulatorOptions.DefaultDingTalkAppKey,
            app_secret = EmulatorOptions.DefaultDingTalkAppSecret,
            base_url = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
        }))
        {
            added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        }

        var services = hub.Host.App.Services;
        var recorder = services.GetRequiredService<Larkway.Hub.Monitoring.MetricRecorder>();
        var metrics = services.GetRequiredService<Larkway.Hub.Monitoring.MetricStore>();
        var alerts = services.GetRequiredService<Larkway.Hub.Alerts.AlertEvaluator>();

        // A genuine message, then one that is no robot message: neither is a verification failure.
        var (timestamp, sign) = HubDingTalkTests.RobotSign(EmulatorOptions.DefaultDingTalkAppSecret, DateTimeOffset.UtcNow);
        using (var genuine = await SignedAsync(hub, Message("msg-alarm-ok"), timestamp, sign))
        {
            genuine.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var (otherTimestamp, otherSign) = HubDingTalkTests.RobotSign(EmulatorOptions.DefaultDingTalkAppSecret, DateTimeOffset.UtcNow.AddMilliseconds(-1));
        using (var noMessage = await SignedAsync(hub, "{\"text\":{}}", otherTimestamp, otherSign))
        {
            noMessage.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        await recorder.FlushAsync(default);
        (await metrics.ReadRefusalsAsync("dingtalk", default)).ShouldNotContain(r => r.App == AppName, "only verification failures are tallied for the alert");
        (await alerts.EvaluateAsync(default))["dingtalk_callbacks_refused"].ShouldNotBeNull().Breached.ShouldBeFalse();

        // The robot's AppSecret in DingTalk differs from the Hub's: every signature fails.
        for (var i = 0; i < 3; i++)
        {
            var (forgedTimestamp, forgedSign) = HubDingTalkTests.RobotSign("SecretInDingTalkOnly", DateTimeOffset.UtcNow.AddMilliseconds(-10 - i));
            using var refused = await SignedAsync(hub, Message("msg-alarm-" + i), forgedTimestamp, forgedSign);
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        await recorder.FlushAsync(default);
        var burst = (await metrics.ReadRefusalsAsync("dingtalk", default)).Single(r => r.App == AppName);
        burst.Count.ShouldBe(3);
        burst.Reason.ShouldBe("bad_signature");

        var check = (await alerts.EvaluateAsync(default))["dingtalk_callbacks_refused"].ShouldNotBeNull();
        check.Breached.ShouldBeTrue(check.Detail);
        check.Detail.ShouldContain(AppName + ": 3 since ");
        check.Detail.ShouldContain("AppSecret");
        (await services.GetRequiredService<Larkway.Hub.Alerts.AlertStore>().ListAsync(100, default))
            .ShouldContain(a => a.Alert.Rule == "dingtalk_callbacks_refused" && a.Alert.ClearedAt == null);
    }

    private static string Message(string id) =>
        JsonSerializer.Serialize(new { msgId = id, conversationId = "cid-bob", conversationType = "1", senderStaffId = "bob", text = new { content = "hi" }, msgtype = "text" });

    private static async Task<HttpResponseMessage> SignedAsync(HubSandbox hub, string body, string timestamp, string sign)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/dingtalk/apps/{AppName}/callback") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("timestamp", timestamp);
        request.Headers.Add("sign", sign);
        return await hub.Api.SendAsync(request);
    }
}
