using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Tests.TestSupport;
using Larkway.WeCom.Callbacks;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Three Hub processes on one PostgreSQL database, one WeCom app stored (<see cref="AppName"/>), one Emulator whose
/// callback points at the first replica (as at a load balancer: WeCom's retries land on any replica, so the tests post
/// them to the others), one business webhook subscribed to <c>wecom.*</c>. Started once for
/// <see cref="HubWeComReplicaTests"/>; a test that kills a replica starts it again on the same database.
/// </summary>
public sealed class HubWeComReplicaFixture(PostgresCluster cluster) : IAsyncLifetime
{
    public const string AppName = "wc-replicas";

    public const string AdminKey = "wecom-replica-admin-key-0123456789";

    private Dictionary<string, string> _environment = [];

    public EmulatorServer Emulator { get; private set; } = null!;

    internal WebhookReceiver Receiver { get; private set; } = null!;

    internal HubProcess[] Replicas { get; } = new HubProcess[3];

    /// <summary>The replicas' PostgreSQL database.</summary>
    public string ConnectionString => _environment["Larkway__Storage__ConnectionString"];

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, EnforceRateLimits = false });
        Receiver = await WebhookReceiver.StartAsync();
        _environment = new Dictionary<string, string>(HubProcess.AgainstEmulator(Emulator, await HubStorage.NewPostgresAsync(cluster), AdminKey))
        {
            // Short leases, so a survivor takes over within the test what a killed replica had claimed. Not the inbox's
            // shortest (1 s): on a loaded machine a live replica's renewal can come late and another replica handle its
            // event again (seen with 2 s: an answer sent three times).
            ["Larkway__Inbox__LeaseDuration"] = "00:00:05",
            ["Larkway__Inbox__PollInterval"] = "00:00:00.200",
            ["Larkway__Notifications__LeaseDuration"] = "00:00:10",
            ["Larkway__Notifications__PollInterval"] = "00:00:00.200",
            ["Larkway__Notifications__RetryDelays__0"] = "00:00:00.200",

            // Two sends at a time per replica (slowed by the Emulator in the notification test), so a burst outlasts a kill.
            ["Larkway__Notifications__Concurrency"] = "2",
            ["Larkway__Notifications__BatchSize"] = "4",
            ["Larkway__Webhooks__PollInterval"] = "00:00:00.100",
            ["Larkway__Webhooks__RequestTimeout"] = "00:00:02",
            ["Larkway__Webhooks__LeaseDuration"] = "00:00:08",

            // A killed replica's customer-service pull is taken over within the test (10 s is the shortest allowed).
            ["Larkway__WeCom__CustomerService__LeaseDuration"] = "00:00:10",
            ["Larkway__WeCom__CustomerService__PollInterval"] = "00:00:00.200",
        };

        // The first replica migrates the empty database; the other two join it.
        Replicas[0] = await HubProcess.StartAsync(_environment);
        var others = await Task.WhenAll(HubProcess.StartAsync(_environment), HubProcess.StartAsync(_environment));
        (Replicas[1], Replicas[2]) = (others[0], others[1]);

        using var admin = Admin(0);
        using (var added = await admin.PostAsJsonAsync("/api/v1/apps", new Dictionary<string, object?>
        {
            ["name"] = AppName,
            ["platform"] = "wecom",
            ["app_id"] = EmulatorOptions.DefaultWeComCorpId,
            ["agent_id"] = 1000002,
            ["app_secret"] = EmulatorOptions.DefaultWeComAppSecret,
            ["verification_token"] = EmulatorOptions.DefaultWeComCallbackToken,
            ["encrypt_key"] = EmulatorOptions.DefaultWeComEncodingAesKey,
            ["base_url"] = Larkway.WeCom.WeComBaseUrls.Emulator(Emulator.BaseUrl).AbsoluteUri,
        }))
        {
            added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        }

        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = Receiver.Url("/wecom").ToString(), event_types = new[] { "wecom.*" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        // Every replica knows the app (WeCom's URL check passes on each), then the Emulator's callback goes to the first.
        for (var i = 0; i < Replicas.Length; i++)
        {
            await WaitUntilAnswersAsync(i);
        }

        await PointCallbackAtFirstReplicaAsync();
    }

    private async Task PointCallbackAtFirstReplicaAsync()
    {
        using var control = new HttpClient { BaseAddress = Emulator.BaseUrl };
        using var saved = await control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = new Uri(Replicas[0].BaseUrl, $"/wecom/apps/{AppName}/callback").AbsoluteUri });
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
    }

    public HttpClient Admin(int replica)
    {
        var admin = new HttpClient { BaseAddress = Replicas[replica].BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return admin;
    }

    /// <summary>
    /// Starts replica <paramref name="replica"/> again (after a kill) on the same database. It comes back on another port:
    /// the first replica's new address is saved as WeCom's callback URL, as a load balancer's stable one would be.
    /// </summary>
    public async Task RestartAsync(int replica)
    {
        await Replicas[replica].DisposeAsync();
        Replicas[replica] = await HubProcess.StartAsync(_environment);
        await WaitUntilAnswersAsync(replica);
        if (replica == 0)
        {
            await PointCallbackAtFirstReplicaAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in Replicas.Where(r => r is not null))
        {
            await replica.DisposeAsync();
        }

        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }

    /// <summary>Waits until the replica answers WeCom's URL check for the app (it has read the app from the database).</summary>
    private async Task WaitUntilAnswersAsync(int replica)
    {
        var crypto = new WeComCallbackCrypto(EmulatorOptions.DefaultWeComCallbackToken, EmulatorOptions.DefaultWeComEncodingAesKey, EmulatorOptions.DefaultWeComCorpId);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var echo = crypto.Encrypt("echo-ready", now, "ready");
        using var http = new HttpClient { BaseAddress = Replicas[replica].BaseUrl };
        var url = $"/wecom/apps/{AppName}/callback?msg_signature={echo.MsgSignature}&timestamp={now}&nonce=ready&echostr={Uri.EscapeDataString(echo.Encrypt)}";
        await HubSandbox.WaitUntilAsync(() =>
        {
            using var response = http.GetAsync(url).GetAwaiter().GetResult();
            return response.StatusCode == HttpStatusCode.OK;
        }, $"replica {replica} to know the WeCom app", seconds: 60);
    }
}

/// <summary>
/// WeCom callbacks and notifications across three Hub replicas on one PostgreSQL database (<see cref="HubWeComReplicaFixture"/>):
/// a member's message WeCom delivers to every replica is stored once, forwarded once and answered once; a replica
/// killed in the middle of a burst of callbacks loses none it acknowledged; a notification burst while a replica is
/// killed reaches every recipient once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class HubWeComReplicaTests(HubWeComReplicaFixture fixture) : IClassFixture<HubWeComReplicaFixture>
{
    private static readonly string[] Members = ["alice", "bob", "carol", "dave"];

    [Fact]
    public async Task A_members_message_delivered_to_every_replica_is_stored_once_forwarded_once_and_answered_once()
    {
        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl };
        var before = await TextEventsAsync();
        var sent = new List<(string User, string MsgId, long CreateTime, string Text)>();
        for (var i = 0; i < 8; i++)
        {
            var user = Members[i % Members.Length];
            var text = $"/echo wcdup-{i:D2}";
            using var said = await control.PostAsJsonAsync($"/_emulator/wecom/users/{user}/say", new { text });
            var outcome = await said.Content.ReadFromJsonAsync<JsonElement>();
            outcome.GetProperty("status").GetString().ShouldBe("delivered", outcome.ToString());
            sent.Add((user, outcome.GetProperty("msgid").GetString()!, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), text));
        }

        // WeCom's retries of each (the same MsgId), landing on every replica at once, the first one's too.
        var retries = sent.SelectMany(m => Enumerable.Range(0, 3).Select(async replica =>
        {
            using var response = await PostEncryptedAsync(replica, TextXml(m.User, m.MsgId, m.CreateTime, m.Text));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }));
        await Task.WhenAll(retries);

        await HubSandbox.WaitUntilAsync(() => sent.All(m => Answers(m.User, m.Text[6..]) >= 1) && Forwarded("wcdup-").Count >= sent.Count, "every message answered and forwarded", seconds: 60);
        (await TextEventsAsync() - before).ShouldBe(sent.Count, "each message stored once in the shared inbox");
        foreach (var (user, msgId, _, text) in sent)
        {
            Answers(user, text[6..]).ShouldBe(1, $"{text} answered once");
            Forwarded(text).Select(f => f.GetProperty("event").GetProperty("MsgId").GetString()).ShouldBe([msgId], $"{text} forwarded once");
        }
    }

    [Fact]
    public async Task A_replica_killed_in_the_middle_of_a_callback_burst_and_restarted_loses_no_acknowledged_message()
    {
        const int victim = 2;
        var before = await TextEventsAsync();
        var messages = Enumerable.Range(0, 40).Select(i => (User: Members[i % Members.Length], MsgId: (7_300_000_000_000_000_000L + i).ToString(CultureInfo.InvariantCulture), Text: $"/echo wccrash-{i:D2}")).ToList();
        var createTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var acked = new ConcurrentBag<int>();
        var killed = new TaskCompletionSource();

        // WeCom posts the burst to the victim, four at a time; the victim is killed once ten are acknowledged.
        var next = -1;
        async Task WorkerAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Count)
            {
                try
                {
                    using var response = await PostEncryptedAsync(victim, TextXml(messages[i].User, messages[i].MsgId, createTime, messages[i].Text));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acked.Add(i);
                        if (acked.Count == 10)
                        {
                            await fixture.Replicas[victim].KillAsync();
                            killed.TrySetResult();
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // The replica died under this request: not acknowledged, so WeCom retries it.
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WorkerAsync()));
        await killed.Task;
        acked.Count.ShouldBeLessThan(messages.Count, "the replica was killed before the burst was over");

        // WeCom retries every message it did not see acknowledged (and, to be sure, the acknowledged too) at the survivors.
        await Task.WhenAll(messages.Select(async (m, i) =>
        {
            using var response = await PostEncryptedAsync(i % 2, TextXml(m.User, m.MsgId, createTime, m.Text));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }));
        await fixture.RestartAsync(victim);

        await HubSandbox.WaitUntilAsync(() => messages.All(m => Answers(m.User, m.Text[6..]) >= 1) && Forwarded("wccrash-").Select(Delivery).Distinct().Count() >= messages.Count, "every message answered and forwarded", seconds: 90);
        (await TextEventsAsync() - before).ShouldBe(messages.Count, "each message stored once");
        foreach (var (user, msgId, text) in messages)
        {
            // A webhook delivery is at least once (a replica killed while posting it posts it again, under the same id).
            Forwarded(text).Where(f => f.GetProperty("event").GetProperty("MsgId").GetString() == msgId).Select(Delivery).Distinct().Count().ShouldBe(1, $"{text} forwarded once");

            // The bot's answer: a handling cut by the kill between its send and its completion may answer twice (WeComBotMessenger's decision).
            Answers(user, text[6..]).ShouldBeInRange(1, 2, $"{text} answered");
        }
    }

    [Fact]
    public async Task A_notification_burst_while_a_replica_is_killed_reaches_every_WeCom_recipient_once()
    {
        const int victim = 1;
        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl };

        // Some sends are slow, so the replica about to die holds sends in flight, some of them already made.
        using (var armed = await control.PostAsJsonAsync("/_emulator/wecom/faults", new { endpoint = "POST /cgi-bin/message/send", kind = "delay", delay_ms = 600, count = 1000 }))
        {
            armed.StatusCode.ShouldBe(HttpStatusCode.OK, await armed.Content.ReadAsStringAsync());
        }

        try
        {
            var plan = Enumerable.Range(0, 30).Select(i => (Marker: $"WCN-{i:D4}", To: new[] { Members[i % 4], Members[(i + 1 + (i / 4 % 3)) % 4] })).ToList();
            using var admin = fixture.Admin(0);
            var ids = new ConcurrentBag<string>();
            var posting = Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (n, ct) =>
            {
                using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
                {
                    type = "purchase_order.created",
                    idempotency_key = n.Marker,
                    app = HubWeComReplicaFixture.AppName,
                    card = new
                    {
                        header = new { title = new { tag = "plain_text", content = n.Marker } },
                        elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = "Replica burst " + n.Marker } } },
                    },
                    recipients = n.To.Select(u => new { wecom_userid = u }).ToArray(),
                }, ct);
                queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync(ct));
                ids.Add((await queued.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!);
            });

            // The victim is killed once a sixth has reached the members.
            var deliveries = plan.Sum(n => n.To.Length);
            await HubSandbox.WaitUntilAsync(() => Posted().Count >= deliveries / 6, "a sixth posted", seconds: 90);
            await fixture.Replicas[victim].KillAsync();
            await posting;
            Posted().Count.ShouldBeLessThan(deliveries, "the replica was killed before the burst was over");

            await HubSandbox.WaitUntilAsync(() => ids.All(id => Status(admin, id) == "sent"), "every notification sent", seconds: 120);
            var posted = Posted();
            var expected = plan.SelectMany(n => n.To.Select(to => (n.Marker, to))).ToList();
            var twice = posted.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => $"{g.Key} ×{g.Count()}").ToList();
            twice.ShouldBeEmpty("sent twice");
            expected.Except(posted).ShouldBeEmpty("never sent");
            posted.Except(expected).ShouldBeEmpty("sent to the wrong member");
        }
        finally
        {
            (await control.DeleteAsync("/_emulator/wecom/faults")).Dispose();
            if (fixture.Replicas[victim].HasExited)
            {
                await fixture.RestartAsync(victim);
            }
        }
    }

    /// <summary>Posts as WeCom does to a replica: encrypted for the corp, signed with the Token, in the documented XML body.</summary>
    private async Task<HttpResponseMessage> PostEncryptedAsync(int replica, string plaintext)
    {
        var crypto = new WeComCallbackCrypto(EmulatorOptions.DefaultWeComCallbackToken, EmulatorOptions.DefaultWeComEncodingAesKey, EmulatorOptions.DefaultWeComCorpId);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var encrypted = crypto.Encrypt(plaintext, timestamp, "n" + Guid.NewGuid().ToString("N")[..10]);
        var body = $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><Encrypt><![CDATA[{encrypted.Encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>";
        using var http = new HttpClient { BaseAddress = fixture.Replicas[replica].BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        return await http.PostAsync($"/wecom/apps/{HubWeComReplicaFixture.AppName}/callback?msg_signature={encrypted.MsgSignature}&timestamp={encrypted.TimeStamp}&nonce={encrypted.Nonce}", new StringContent(body, Encoding.UTF8, "text/xml"));
    }

    private static string TextXml(string user, string msgId, long createTime, string text) =>
        $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
        + $"<CreateTime>{createTime.ToString(CultureInfo.InvariantCulture)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
        + $"<MsgId>{msgId}</MsgId><AgentID>1000002</AgentID></xml>";

    /// <summary>The app's member messages in the shared inbox (read through the first replica).</summary>
    private async Task<int> TextEventsAsync() =>
        (await AdminApi.EventsAsync(fixture.Replicas[0].BaseUrl, HubWeComReplicaFixture.AdminKey, type: "wecom.message.text")).Count(e => e.GetProperty("app").GetString() == HubWeComReplicaFixture.AppName);

    /// <summary>How many of the app's messages to <paramref name="user"/> are exactly the text <paramref name="answer"/>.</summary>
    private int Answers(string user, string answer)
    {
        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl };
        var page = control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult();
        return page.GetProperty("items").EnumerateArray().Count(m => m.GetProperty("msgtype").GetString() == "text"
            && m.GetProperty("content").GetProperty("content").GetString() == answer);
    }

    /// <summary>The webhook payloads of member messages whose text contains <paramref name="marker"/>.</summary>
    private List<JsonElement> Forwarded(string marker) =>
        [.. fixture.Receiver.At("/wecom").Select(r => (Payload: JsonDocument.Parse(r.Body).RootElement.Clone(), r))
            .Where(p => p.Payload.GetProperty("type").GetString() == "wecom.message.text"
                && p.Payload.GetProperty("event").GetProperty("Content").GetString()!.Contains(marker, StringComparison.Ordinal))
            .Select(p => WithDelivery(p.Payload, p.r.Header("X-Larkway-Delivery")))];

    private static JsonElement WithDelivery(JsonElement payload, string delivery)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(payload.GetRawText())!.AsObject();
        node["_delivery"] = delivery;
        return JsonSerializer.SerializeToElement(node);
    }

    private static string Delivery(JsonElement forwarded) => forwarded.GetProperty("_delivery").GetString()!;

    /// <summary>Each burst notification a member holds in the Emulator, as (marker, userid).</summary>
    private List<(string Marker, string To)> Posted()
    {
        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl };
        var posted = new List<(string, string)>();
        foreach (var member in Members)
        {
            var page = control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{member}/messages").GetAwaiter().GetResult();
            foreach (var message in page.GetProperty("items").EnumerateArray())
            {
                if (MarkerPattern().Match(message.GetProperty("content").GetRawText()) is { Success: true } match)
                {
                    posted.Add((match.Value, member));
                }
            }
        }

        return posted;
    }

    private static string? Status(HttpClient admin, string id) =>
        admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult().GetProperty("status").GetString();

    [GeneratedRegex("WCN-[0-9]{4}")]
    private static partial Regex MarkerPattern();
}
