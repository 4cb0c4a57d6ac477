using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Integration.Tests.DingTalk;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Hub processes with one DingTalk app on one PostgreSQL database, killed with SIGKILL in the middle of a burst: of robot
/// messages DingTalk pushes over Stream (a Hub killed and started again), and of notifications two replicas send (one of
/// them killed). Nothing is lost, and nothing is handled twice beyond what DingTalk's missing idempotency key allows.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class HubDingTalkCrashTests(PostgresCluster cluster)
{
    private const string AdminKey = "dingtalk-crash-admin-key-0123456789";

    private static readonly string[] People = ["alice", "bob", "carol", "dave"];

    private static Dictionary<string, string> Environment(EmulatorServer emulator, Dictionary<string, string> storage) => new(HubProcess.AgainstEmulator(emulator, storage, AdminKey))
    {
        // The killed Hub's hold on the app's Stream and its inbox claims expire soon, so its successor takes over within the test.
        ["Larkway__Leases__Duration"] = "00:00:09",
        ["Larkway__Leases__RetryInterval"] = "00:00:00.200",
        ["Larkway__Inbox__LeaseDuration"] = "00:00:05",
        ["Larkway__Inbox__PollInterval"] = "00:00:00.200",

        // Notification leases as short as allowed; two sends at a time per replica (slowed by the Emulator), so a burst outlasts a kill.
        ["Larkway__Notifications__LeaseDuration"] = "00:00:10",
        ["Larkway__Notifications__PollInterval"] = "00:00:00.200",
        // Retries quick but spread over some 25 s (the last delay repeats), so a passing failure on a busy machine (a slow
        // answer) is outlasted instead of using up the eight attempts within two seconds.
        ["Larkway__Notifications__RetryDelays__0"] = "00:00:00.200",
        ["Larkway__Notifications__RetryDelays__1"] = "00:00:01",
        ["Larkway__Notifications__RetryDelays__2"] = "00:00:02",
        ["Larkway__Notifications__RetryDelays__3"] = "00:00:05",
        ["Larkway__Notifications__Concurrency"] = "2",
        ["Larkway__Notifications__BatchSize"] = "4",
    };

    [Fact]
    public async Task A_Hub_killed_mid_burst_of_DingTalk_Stream_pushes_stores_each_message_once_and_answers_each_after_restart()
    {
        // DingTalk pushes an unacknowledged message again; every 2 s here, for long enough to outlast the restart.
        var options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        options.DingTalkStream.RedeliveryDelays = [.. Enumerable.Repeat(TimeSpan.FromSeconds(2), 90)];
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        var environment = Environment(emulator, await HubStorage.NewPostgresAsync(cluster));
        var texts = Enumerable.Range(0, 40).Select(i => $"dtcrash-{i:D2}").ToList();

        int answeredAtKill;
        await using (var first = await HubProcess.StartAsync(environment))
        {
            using (var admin = Admin(first))
            {
                await HubDingTalkTests.AddAppAsync(admin, emulator);
            }

            await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);

            // Ten pushes a second; the Hub is killed once a fifth are answered, while DingTalk goes on pushing.
            var killed = false;
            for (var i = 0; i < texts.Count; i++)
            {
                await stream.RobotMessageAsync("/echo " + texts[i]);
                if (!killed && Answered(stream, texts) >= texts.Count / 5)
                {
                    await first.KillAsync();
                    killed = true;
                }

                await Task.Delay(100);
            }

            if (!killed)
            {
                await HubSandbox.WaitUntilAsync(() => Answered(stream, texts) >= texts.Count / 5, "a fifth answered", seconds: 60);
                await first.KillAsync();
            }

            answeredAtKill = Answered(stream, texts);
        }

        answeredAtKill.ShouldBeLessThan(texts.Count, "the Hub was killed before the burst was handled");
        await using var second = await HubProcess.StartAsync(environment);
        using var secondAdmin = Admin(second);

        // The restarted Hub takes the Stream back; DingTalk pushes what was never acknowledged again, and the inbox handles what was.
        await HubSandbox.WaitUntilAsync(() => Answered(stream, texts) == texts.Count, "an answer to every message", seconds: 180);
        var stored = await secondAdmin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=dingtalk.robot_message&limit=1000");
        stored.GetProperty("total").GetInt64().ShouldBe(texts.Count, "each message stored once, redelivered or not");
        var replies = Replies(stream);
        foreach (var text in texts)
        {
            // DingTalk's replies carry no idempotency key: a handling cut by the kill between its reply and its completion
            // may answer twice (DingTalkBotMessenger's decision); nothing answers more.
            replies.Count(r => r.Contains(text, StringComparison.Ordinal)).ShouldBeInRange(1, 2, $"{text} answered");
        }
    }

    [Fact]
    public async Task A_notification_burst_while_a_replica_is_killed_reaches_every_DingTalk_recipient_once_but_for_the_sends_it_had_in_flight()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, EnforceRateLimits = false });
        var environment = Environment(emulator, await HubStorage.NewPostgresAsync(cluster));

        // Some sends are slow, so the replica about to die holds sends in flight.
        using (var control = new HttpClient { BaseAddress = emulator.BaseUrl })
        {
            await NotificationFaults.ArmAsync(control, "/_emulator/dingtalk/faults", new { endpoint = "POST /v1.0/robot/oToMessages/batchSend", kind = "delay", delay_ms = 600, count = 1000 });
        }

        await using var survivor = await HubProcess.StartAsync(environment);
        await using var victim = await HubProcess.StartAsync(environment);
        using var admin = Admin(survivor);
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        using (var victimAdmin = Admin(victim))
        {
            await HubSandbox.WaitUntilAsync(() => victimAdmin.GetAsync($"/api/v1/apps/{HubDingTalkTests.AppName}").GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK, "the victim to know the app", seconds: 60);
        }

        var plan = Enumerable.Range(0, 30).Select(i => (Marker: $"DTN-{i:D4}", To: new[] { People[i % 4], People[(i + 1 + (i / 4 % 3)) % 4] })).ToList();
        var ids = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (n, _) =>
            ids.Add(await NotificationFaults.QueueAsync(admin, HubDingTalkTests.AppName, n.Marker, [.. n.To.Select(p => new { dingtalk_userid = p })])));

        // The victim is killed once a sixth has reached the people.
        var deliveries = plan.Sum(n => n.To.Length);
        await HubSandbox.WaitUntilAsync(() => Posted(emulator).Count >= deliveries / 6, "a sixth posted", seconds: 90);
        await victim.KillAsync();
        Posted(emulator).Count.ShouldBeLessThan(deliveries, "the replica was killed before the burst was over");

        try
        {
            await HubSandbox.WaitUntilAsync(() => ids.All(id => HubDingTalkTests.Status(admin, id) == "sent"), "every notification sent", seconds: 180);
        }
        catch (TimeoutException timeout)
        {
            // Name what is stuck and what the survivor said, so a failure on a busy machine can be read from its output.
            var stuck = ids.Where(id => HubDingTalkTests.Status(admin, id) != "sent")
                .Select(id => admin.GetStringAsync($"/api/v1/notifications/{id}").GetAwaiter().GetResult());
            throw new TimeoutException(
                $"{timeout.Message}\nnot sent:\n{string.Join('\n', stuck)}\nthe survivor's last lines:\n{string.Join('\n', survivor.Output.TakeLast(60))}", timeout);
        }

        var posted = Posted(emulator);
        var expected = plan.SelectMany(n => n.To.Select(to => (n.Marker, to))).ToList();
        expected.Except(posted).ShouldBeEmpty("never sent");
        posted.Except(expected).ShouldBeEmpty("sent to the wrong person");

        // DingTalk's sends carry no idempotency key: a send the victim made whose answer it died before recording is made
        // again by the survivor. Only those: at most the victim's two sends in flight, and none more than twice.
        var twice = posted.GroupBy(p => p).Where(g => g.Count() > 1).ToList();
        twice.ShouldAllBe(g => g.Count() == 2, "sent more than twice");
        twice.Count.ShouldBeLessThanOrEqualTo(2, "sent twice: " + string.Join(", ", twice.Select(g => g.Key)));
    }

    private static HttpClient Admin(HubProcess hub)
    {
        var admin = new HttpClient { BaseAddress = hub.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return admin;
    }

    private static IReadOnlyList<string> Replies(DingTalkStreamControl stream) =>
        [.. stream.SessionRepliesAsync().GetAwaiter().GetResult().Select(r => r.GetRawText())];

    /// <summary>How many of <paramref name="texts"/> have an answer in their conversation.</summary>
    private static int Answered(DingTalkStreamControl stream, IReadOnlyList<string> texts)
    {
        var replies = Replies(stream);
        return texts.Count(t => replies.Any(r => r.Contains(t, StringComparison.Ordinal)));
    }

    /// <summary>Each burst notification a person holds in the Emulator, as (marker, userid).</summary>
    private static List<(string Marker, string To)> Posted(EmulatorServer emulator)
    {
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var posted = new List<(string, string)>();
        foreach (var person in People)
        {
            var page = control.GetFromJsonAsync<JsonElement>($"/_emulator/dingtalk/users/{person}/robot-messages").GetAwaiter().GetResult();
            var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
            foreach (var message in items.EnumerateArray())
            {
                if (MarkerPattern().Match(message.GetProperty("msgParam").GetRawText()) is { Success: true } match)
                {
                    posted.Add((match.Value, person));
                }
            }
        }

        return posted;
    }

    [GeneratedRegex("DTN-[0-9]{4}")]
    private static partial Regex MarkerPattern();
}
