using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Larkway.Emulator.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Feishu's pushes to the configured app that fail verification are tallied per app as <c>default</c> and open the
/// <c>FeishuCallbacksRefused</c> alert naming the cause, as DingTalk's and WeCom's do; a request refused for another
/// reason (a stale timestamp) is counted by the receiver but never alerted on.
/// </summary>
public sealed class HubFeishuCallbackAlertTests
{
    [Fact]
    public async Task Events_signed_with_another_encrypt_key_open_the_FeishuCallbacksRefused_alert_for_the_configured_app()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        var services = hub.Host.App.Services;
        var recorder = services.GetRequiredService<Larkway.Hub.Monitoring.MetricRecorder>();
        var metrics = services.GetRequiredService<Larkway.Hub.Monitoring.MetricStore>();
        var alerts = services.GetRequiredService<Larkway.Hub.Alerts.AlertEvaluator>();

        // Signed with the right key but an hour old: refused, and not a key that differs.
        using (var stale = await PostAsync(hub, HubSandbox.ExternalEncryptKey, DateTimeOffset.UtcNow.AddHours(-1)))
        {
            stale.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        await recorder.FlushAsync(default);
        (await metrics.ReadRefusalsAsync("feishu", default)).ShouldBeEmpty("a stale timestamp is not a verification failure the alert counts");

        // Feishu's app saved with another Encrypt Key than the Hub's: every signature fails.
        for (var i = 0; i < 3; i++)
        {
            using var refused = await PostAsync(hub, "key-in-feishu-only", DateTimeOffset.UtcNow);
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        await recorder.FlushAsync(default);
        var burst = (await metrics.ReadRefusalsAsync("feishu", default)).ShouldHaveSingleItem();
        burst.App.ShouldBe("default");
        burst.Count.ShouldBe(3);
        burst.Reason.ShouldBe("bad_signature");

        var check = (await alerts.EvaluateAsync(default))["feishu_callbacks_refused"].ShouldNotBeNull();
        check.Breached.ShouldBeTrue(check.Detail);
        check.Detail.ShouldContain("default: 3 since ");
        check.Detail.ShouldContain("Encrypt Key");
        (await services.GetRequiredService<Larkway.Hub.Alerts.AlertStore>().ListAsync(100, default))
            .ShouldContain(a => a.Alert.Rule == "feishu_callbacks_refused" && a.Alert.ClearedAt == null);
    }

    /// <summary>An encrypted event posted as Feishu would, signed with <paramref name="encryptKey"/> at <paramref name="at"/>.</summary>
    private static async Task<HttpResponseMessage> PostAsync(HubSandbox hub, string encryptKey, DateTimeOffset at)
    {
        const string body = "{\"encrypt\":\"bm90IGEgcmVhbCBldmVudA==\"}";
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        var signature = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(timestamp + nonce + encryptKey + body)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/feishu/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Lark-Request-Timestamp", timestamp);
        request.Headers.Add("X-Lark-Request-Nonce", nonce);
        request.Headers.Add("X-Lark-Signature", signature);
        return await hub.Api.SendAsync(request);
    }
}
