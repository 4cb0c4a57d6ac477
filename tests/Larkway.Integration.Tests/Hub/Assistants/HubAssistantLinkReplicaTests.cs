using System.Net;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// <c>/link</c>'s limits against guesses and asks sent all at once, half to each of two Hubs on one PostgreSQL database:
/// five wrong tries per code, counted exactly, and three codes an hour per asking account and per person.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HubAssistantLinkReplicaTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Forty_wrong_codes_at_once_on_two_replicas_count_as_five_tries_and_the_right_code_then_fails()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, EnforceRateLimits = false });
        var (first, second) = await StartReplicasAsync(emulator);
        await using (first)
        await using (second)
        {
            (await LinkAsker.SayAsync(first, "ou_guesser", "/link carol@example.com")).ShouldHaveSingleItem().ShouldStartWith("If that email belongs to someone in the directory");
            await first.WaitForAsync(() => LinkAsker.FeishuCodes(emulator.State).Count == 1, "the code on Carol's Feishu");
            var code = LinkAsker.FeishuCodes(emulator.State).Single();

            var answers = await LinkAsker.FortyWrongCodesAtOnceAsync([first, second], "ou_guesser", code);

            // Each try counted once: four answers count down, the fifth closes the code, the other 35 find it closed.
            var stored = (await LinkAsker.CodesAsync(first, "ou_guesser")).ShouldHaveSingleItem();
            stored.Attempts.ShouldBe(AssistantLinking.MaxAttempts, string.Join("\n", answers));
            stored.ClosedAt.ShouldNotBeNull();
            answers.Where(a => a.StartsWith("That code is not right;", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ShouldBe(
                ["That code is not right; 1 try left.", "That code is not right; 2 tries left.", "That code is not right; 3 tries left.", "That code is not right; 4 tries left."]);
            answers.Count(a => a.StartsWith("That code is not right, and it no longer works.", StringComparison.Ordinal)).ShouldBe(1);
            answers.Count(a => a.StartsWith("That code no longer works.", StringComparison.Ordinal)).ShouldBe(35, string.Join("\n", answers));

            // The right code, typed now on either replica, is answered as any other and links nothing.
            (await LinkAsker.SayAsync(second, "ou_guesser", "/link " + code)).ShouldHaveSingleItem().ShouldStartWith("That code no longer works.");
            (await LinkAsker.SayAsync(first, "ou_guesser", "/link " + code)).ShouldHaveSingleItem().ShouldStartWith("That code no longer works.");
        }
    }

    [Fact]
    public async Task Asks_past_the_hourly_limits_sent_at_once_on_two_replicas_issue_no_more_codes_than_the_limit()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, EnforceRateLimits = false });
        var (first, second) = await StartReplicasAsync(emulator);
        await using (first)
        await using (second)
        {
            var carol = await SandboxPlatforms.PersonAsync(first, "carol@example.com");
            var hubs = new[] { first, second };

            // One account asks twenty times at once: three codes, the rest refused.
            var oneAccount = await AtOnceAsync(Enumerable.Range(0, 20).Select(i => (hubs[i % 2], "ou_asker", "/link bob@example.com")));
            (await LinkAsker.CodesAsync(first, "ou_asker")).Count.ShouldBe(3, string.Join("\n", oneAccount));
            oneAccount.Count(a => a.StartsWith("If that email belongs to someone", StringComparison.Ordinal)).ShouldBe(3);
            oneAccount.Count(a => a.StartsWith("You asked for 3 codes in the last hour", StringComparison.Ordinal)).ShouldBe(17);

            // Twenty accounts ask for Carol at once: each is answered alike, and Carol is sent three codes at most.
            var manyAccounts = await AtOnceAsync(Enumerable.Range(0, 20).Select(i => (hubs[i % 2], $"ou_asker_{i}", "/link carol@example.com")));
            manyAccounts.ShouldAllBe(a => a.StartsWith("If that email belongs to someone", StringComparison.Ordinal));
            (await LinkAsker.CodesForAsync(first, carol)).ShouldBe(3);
            await LinkAsker.DeliveriesEndedAsync(first);
            LinkAsker.FeishuCodes(emulator.State).Count.ShouldBeLessThanOrEqualTo(3 + 3, "three codes for Bob and three for Carol at most");
        }
    }

    /// <summary>Sends every (replica, account, text) at once; returns each one's single reply.</summary>
    private static async Task<List<string>> AtOnceAsync(IEnumerable<(HubSandbox Hub, string Account, string Text)> messages)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = messages.Select(m => Task.Run(async () =>
        {
            await go.Task;
            return (await LinkAsker.SayAsync(m.Hub, m.Account, m.Text)).ShouldHaveSingleItem();
        })).ToList();
        go.SetResult();
        return [.. await Task.WhenAll(sends)];
    }

    /// <summary>Two Hubs on a new database with an assistant on the Feishu app and the directory synced from the Emulator.</summary>
    private async Task<(HubSandbox First, HubSandbox Second)> StartReplicasAsync(EmulatorServer emulator)
    {
        var data = Directory.CreateTempSubdirectory("larkway-hub-link-replicas-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Larkway:Storage:Provider"] = "Postgres",
            ["Larkway:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
        };
        var first = await HubSandbox.StartAgainstAsync(emulator, "webhook", settings, data);
        var second = await HubSandbox.StartAgainstAsync(emulator, "webhook", settings, data);
        using var driver = new AssistantDriver(first, emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        using (var admin = new HttpClient { BaseAddress = first.Host.BaseUrl })
        {
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
            using var started = await admin.PostAsync("/api/v1/directory/sync", null);
            started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        await SandboxPlatforms.PersonAsync(first, "carol@example.com");
        await SandboxPlatforms.PersonAsync(first, "bob@example.com");
        foreach (var hub in new[] { first, second })
        {
            var runtime = hub.Host.Services.GetRequiredService<Larkway.Hub.Assistants.Answering.AssistantRuntime>();
            await HubSandbox.WaitUntilAsync(() => runtime.ForAppAsync("default", CancellationToken.None).GetAwaiter().GetResult() is not null, "the assistant on each replica");
        }

        return (first, second);
    }
}
