using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.Hub.Assistants;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>WeCom customer service across the three replicas: pulls of one account by one replica at a time.</summary>
public sealed partial class HubWeComReplicaTests
{
    private const string KfAccount = "wkLarkwaySandboxKf000001";

    [Fact]
    public async Task Customers_whose_callbacks_reach_every_replica_have_each_message_stored_forwarded_and_answered_once()
    {
        using var admin = fixture.Admin(0);
        using (var assistant = await admin.PostAsJsonAsync("/api/v1/assistants", new Dictionary<string, object?>
        {
            ["name"] = "wc-replicas-kf",
            ["backend"] = "dify",
            ["base_url"] = new Uri(fixture.Emulator.BaseUrl, "dify/v1").ToString(),
            ["api_key"] = AssistantDriver.DifyKey,
            ["apps"] = new[] { HubWeComReplicaFixture.AppName },
        }))
        {
            assistant.StatusCode.ShouldBe(HttpStatusCode.Created, await assistant.Content.ReadAsStringAsync());
        }

        using (var put = await admin.PutAsJsonAsync($"/api/v1/wecom/apps/{HubWeComReplicaFixture.AppName}/customer-service/accounts/{KfAccount}", new { }))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        }

        var account = default(JsonElement);
        try
        {
            await HubSandbox.WaitUntilAsync(() => (account = admin.GetFromJsonAsync<JsonElement>($"/api/v1/wecom/apps/{HubWeComReplicaFixture.AppName}/customer-service/accounts/{KfAccount}")
                .GetAwaiter().GetResult()).GetProperty("pull_state").GetString() == "done", "the account's first pull", seconds: 60);
        }
        catch (TimeoutException ex)
        {
            var logs = string.Join("\n", fixture.Replicas.SelectMany((r, i) => r.Output.Where(l => l.Contains("kf", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("xception", StringComparison.Ordinal)).TakeLast(30).Select(l => $"[{i}] {l}")));
            throw new TimeoutException($"{ex.Message}; the account: {account}\n{logs}", ex);
        }

        // Six customers write; WeCom's callback reaches the first replica, and a copy of each (as a load balancer spreads
        // WeCom's retries) the other two at once, so three replicas ask to pull the account at the same moment.
        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl };
        var customers = Enumerable.Range(0, 6).Select(i => $"wmReplicaCustomer{i}").ToList();
        foreach (var customer in customers)
        {
            using var said = await control.PostAsJsonAsync($"/_emulator/wecom/kf/{KfAccount}/customers/{customer}/say", new { text = $"kfrep question of {customer}" });
            said.StatusCode.ShouldBe(HttpStatusCode.OK, await said.Content.ReadAsStringAsync());
            var copies = Enumerable.Range(1, 2).Select(async replica =>
            {
                using var response = await PostEncryptedAsync(replica, KfCallbackXml(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
                response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            });
            await Task.WhenAll(copies);
        }

        await HubSandbox.WaitUntilAsync(() => customers.All(c => CustomerAnswers(control, c) >= 1), "every customer answered", seconds: 90);
        await HubSandbox.WaitUntilAsync(() => customers.All(c => KfForwarded($"kfrep question of {c}").Count >= 1), "every customer message forwarded", seconds: 60);
        foreach (var customer in customers)
        {
            CustomerAnswers(control, customer).ShouldBe(1, $"{customer} answered once");
            KfForwarded($"kfrep question of {customer}").Select(f => f.GetProperty("id").GetString()).Distinct().Count().ShouldBe(1, $"{customer}'s message forwarded once");
        }
    }

    /// <summary>A kf_msg_or_event callback for the account (a token WeCom never gave: the pull then goes without one).</summary>
    private static string KfCallbackXml(long createTime) =>
        $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><CreateTime>{createTime.ToString(CultureInfo.InvariantCulture)}</CreateTime>"
        + $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCreplica{Guid.NewGuid():N}]]></Token><OpenKfId><![CDATA[{KfAccount}]]></OpenKfId></xml>";

    /// <summary>How many answers to the customer's question reached them (the fake backend echoes the question).</summary>
    private static int CustomerAnswers(HttpClient control, string customer) =>
        control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/kf/{KfAccount}/customers/{customer}").GetAwaiter().GetResult()
            .GetProperty("received").EnumerateArray().Count(m => m.GetProperty("content").GetRawText().Contains($"You asked: kfrep question of {customer}", StringComparison.Ordinal));

    /// <summary>The customers' messages forwarded as wecom.kf.message, by the text they carry.</summary>
    private List<JsonElement> KfForwarded(string text) =>
        [.. fixture.Receiver.At("/wecom").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone())
            .Where(p => p.GetProperty("type").GetString() == "wecom.kf.message"
                && p.GetProperty("event").GetProperty("origin").GetString() == "customer"
                && p.GetProperty("event").TryGetProperty("text", out var t) && t.GetString() == text)];
}
