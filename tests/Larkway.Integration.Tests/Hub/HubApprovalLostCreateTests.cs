using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.DingTalk;
using Larkway.Hub.WeCom;
using Larkway.WeCom.Approvals;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Creates whose answer is lost on the platforms whose create takes no idempotency key (DingTalkPayment, WeComPayment): the Emulator
/// carries the create out and answers a server error (<c>server_error_after</c>), the Hub answers 202, its submit queue
/// tries again, finds the instance the lost attempt made and adopts it — one instance on the platform, one callback. And
/// an approval never adopts an instance another approval holds, however many identical ones search at once.
/// </summary>
public sealed class HubApprovalLostCreateTests
{
    /// <summary>Quick polls and retries, as the end-to-end approvals test runs them.</summary>
    internal static IReadOnlyDictionary<string, string?> Fast => HubApprovalsOnEveryPlatformTests.Fast;

    /// <summary>The sandbox's payment definition of each platform, its applicant and form, and the create call to break.</summary>
    internal sealed record Platform(string Name, string App, string Definition, object Applicant, object Form, string FaultsPath, string CreateEndpoint);

    internal static readonly Platform DingTalkPayment = new("dingtalk", "dingtalk-sandbox", "PROC-LW-PAYMENT", new { user_id = "bob" },
        new { Amount = 1200, Reason = "Team offsite" }, "/_emulator/dingtalk/faults", "POST /v1.0/workflow/processInstances");

    internal static readonly Platform WeComPayment = new("wecom", "wecom-sandbox", "3TmApprovalPaymentLarkwayDevTemplate0001", new { user_id = "alice" },
        new Dictionary<string, object> { ["Money-1"] = 1200, ["Text-1"] = "Team offsite" }, "/_emulator/wecom/faults", "POST /cgi-bin/oa/applyevent");

    internal static Platform Of(string name) => name == "dingtalk" ? DingTalkPayment : WeComPayment;

    [Theory]
    [InlineData("dingtalk")]
    [InlineData("wecom")]
    public async Task A_create_whose_answer_was_lost_is_retried_into_the_one_instance_it_made_and_called_back_once(string name)
    {
        var platform = Of(name);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>(Fast));
        using var client = await ClientAsync(hub, receiver);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        await LoseNextCreateAsync(hub, platform);

        using var response = await PostAsync(client, platform, "lost-1");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        var accepted = JsonDocument.Parse(text).RootElement;
        accepted.GetProperty("status").GetString().ShouldBe("submitting");
        accepted.GetProperty("error").GetProperty("platform").GetString().ShouldBe(name);
        var id = accepted.GetProperty("id").GetString()!;

        var pending = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "pending");
        pending.GetProperty("attempts").GetInt32().ShouldBeGreaterThan(1);
        var instance = pending.GetProperty("instance_code").GetString()!;
        (await InstancesAsync(hub, platform, since)).ShouldBe([instance]);
        hub.Log.Problems.ShouldContain(l => l.Contains("it is taken as the approval's instead of creating another", StringComparison.Ordinal));

        // The submitted callback, once: wait until every transition recorded so far is called back, then count.
        var history = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}")).GetProperty("history").GetArrayLength();
        await HubSandbox.WaitUntilAsync(() => CallbacksOf(receiver, id).Count >= history, "every callback of the approval", seconds: 30);
        CallbacksOf(receiver, id).Count(t => t == "larkway.approval.submitted").ShouldBe(1);
    }

    [Theory]
    [InlineData("dingtalk")]
    [InlineData("wecom")]
    public async Task Two_identical_approvals_one_of_which_lost_its_answer_hold_two_instances_each_adopted_once(string name)
    {
        var platform = Of(name);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>(Fast));
        using var client = await ClientAsync(hub, receiver);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);

        // The first is created at once; the second's create is carried out but its answer lost. Its retry finds both
        // instances (same applicant, definition and form), the first's the older: that one is taken, so it is skipped.
        using var first = await PostAsync(client, platform, "twin-1");
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var held = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("instance_code").GetString()!;
        await LoseNextCreateAsync(hub, platform);
        using var second = await PostAsync(client, platform, "twin-2");
        var text = await second.Content.ReadAsStringAsync();
        second.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;

        var pending = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "pending");
        var adopted = pending.GetProperty("instance_code").GetString()!;
        adopted.ShouldNotBe(held);
        (await InstancesAsync(hub, platform, since)).ShouldBe([held, adopted], ignoreOrder: true);
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/approvals?reference=PO-twin");
        page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("instance_code").GetString()).ShouldBe([held, adopted], ignoreOrder: true);
    }

    [Theory]
    [InlineData("dingtalk")]
    [InlineData("wecom")]
    public async Task Identical_approvals_that_all_lost_their_answers_and_retry_at_once_each_adopt_their_own_instance(string name)
    {
        var platform = Of(name);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>(Fast));
        using var client = await ClientAsync(hub, receiver);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);

        // Four identical approvals, each create carried out and its answer lost: their retries search at the same time and
        // can all find the same instance first. Only one may take it; the others search past it (the unique claim).
        const int Twins = 4;
        await LoseNextCreateAsync(hub, platform, Twins);
        var posted = await Task.WhenAll(Enumerable.Range(1, Twins).Select(i => PostAsync(client, platform, $"race-{i}")));
        var ids = new List<string>();
        foreach (var response in posted)
        {
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync();
                response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
                ids.Add(JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!);
            }
        }

        var instances = new List<string>();
        foreach (var id in ids)
        {
            instances.Add((await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "pending")).GetProperty("instance_code").GetString()!);
        }

        instances.Distinct(StringComparer.Ordinal).Count().ShouldBe(Twins);
        (await InstancesAsync(hub, platform, since)).ShouldBe(instances, ignoreOrder: true);
    }

    internal static async Task<HttpClient> ClientAsync(HubSandbox hub, WebhookReceiver receiver)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var subscribed = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/approvals").ToString(), event_types = new[] { "larkway.approval.*" } });
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        return client;
    }

    /// <summary>The platform's next create is carried out, then answered with a server error: the Hub cannot tell it made anything.</summary>
    private static async Task LoseNextCreateAsync(HubSandbox hub, Platform platform, int count = 1)
    {
        using var fault = await hub.Control.PostAsJsonAsync(platform.FaultsPath, new { endpoint = platform.CreateEndpoint, kind = "server_error_after", count });
        fault.StatusCode.ShouldBe(HttpStatusCode.OK, await fault.Content.ReadAsStringAsync());
    }

    internal static Task<HttpResponseMessage> PostAsync(HttpClient client, Platform platform, string key, object? applicant = null, string? department = null) =>
        client.PostAsJsonAsync("/api/v1/approvals", new
        {
            app = platform.App,
            definition = platform.Definition,
            applicant = applicant ?? platform.Applicant,
            department_id = department,
            form = platform.Form,
            reference = "PO-" + key.Split('-')[0],
            idempotency_key = key,
        });

    /// <summary>The definition's instances on the platform since <paramref name="since"/>, read with its list API.</summary>
    private static async Task<List<string>> InstancesAsync(HubSandbox hub, Platform platform, DateTimeOffset since)
    {
        var found = new List<string>();
        if (platform == DingTalkPayment)
        {
            var dingTalk = await hub.Host.Services.GetRequiredService<HubDingTalkClients>().GetAsync(platform.App, CancellationToken.None);
            string? token = null;
            do
            {
                var page = await dingTalk.Workflow.ListInstanceIdsAsync(platform.Definition, since, nextToken: token);
                found.AddRange(page.Ids);
                token = page.NextToken;
            }
            while (token is not null);
            return found;
        }

        var weCom = await hub.Host.Services.GetRequiredService<HubWeComClients>().GetAsync(platform.App, CancellationToken.None);
        await foreach (var spNo in weCom.Approvals.ListNumbersAsync(since, DateTimeOffset.UtcNow.AddMinutes(1), [WeComApprovalFilter.Template(platform.Definition)]))
        {
            found.Add(spNo);
        }

        return found;
    }

    internal static async Task<JsonElement> WaitForAsync(HttpClient client, string id, Func<JsonElement, bool> condition)
    {
        JsonElement last = default;
        await HubSandbox.WaitUntilAsync(() => condition(last = client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}").GetAwaiter().GetResult()),
            $"approval {id}", seconds: 30);
        return last;
    }

    /// <summary>The types of the callbacks the receiver heard about the approval, in order.</summary>
    internal static List<string> CallbacksOf(WebhookReceiver receiver, string id) =>
        [.. receiver.At("/approvals").Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Where(b => b.GetProperty("approval").GetProperty("id").GetString() == id)
            .Select(b => b.GetProperty("type").GetString()!)];
}
