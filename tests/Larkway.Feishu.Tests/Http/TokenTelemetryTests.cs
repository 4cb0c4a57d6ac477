using System.Diagnostics;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Http;

/// <summary>Token metrics (look-ups by hit/miss, fetches by outcome, failures by code) and the token fetch's activity.</summary>
public class TokenTelemetryTests
{
    private const string Lookups = "larkway.feishu.token.cache.lookups";
    private const string Requests = "larkway.feishu.token.requests";
    private const string Failures = "larkway.feishu.token.failures";

    [Fact]
    public async Task A_cold_cache_is_a_miss_and_one_fetch_and_the_next_call_a_hit()
    {
        using var metrics = new MetricRecorder("cli_token_hit");
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub, o => o.AppId = "cli_token_hit");

        await client.Im.Chats.GetAsync("oc_1");

        Assert.Equal(1, metrics.Count(Lookups, ("feishu.token.cache.result", "miss"), ("feishu.token.kind", "tenant")));
        Assert.Equal(0, metrics.Count(Lookups, ("feishu.token.cache.result", "hit")));
        Assert.Equal(1, metrics.Count(Requests, ("feishu.token.outcome", "success"), ("feishu.token.kind", "tenant")));

        await client.Im.Chats.GetAsync("oc_1");
        await client.Im.Chats.GetAsync("oc_1");

        Assert.Equal(2, metrics.Count(Lookups, ("feishu.token.cache.result", "hit"), ("feishu.token.kind", "tenant")));
        Assert.Equal(1, metrics.Count(Lookups, ("feishu.token.cache.result", "miss")));
        Assert.Equal(1, metrics.Count(Requests));
        Assert.Empty(metrics.Of(Failures));
        Assert.Equal(1, stub.TokenRequests);
    }

    [Fact]
    public async Task A_failed_fetch_is_counted_by_code_and_as_a_failed_request()
    {
        using var metrics = new MetricRecorder("cli_token_fail");
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""))
        {
            TokenResponder = n => n == 1 ? Responses.Error(FeishuErrorCodes.WrongAppSecret, "app secret invalid") : Responses.Token("t-good", 7200),
        };
        using var client = TestClients.Create(stub, o => o.AppId = "cli_token_fail");

        await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        var failure = Assert.Single(metrics.Of(Failures));
        Assert.Equal((1d, FeishuErrorCodes.WrongAppSecret, "10015", "tenant"), (failure.Value, failure["feishu.code"], failure["error.type"], failure["feishu.token.kind"]));
        Assert.Equal(1, metrics.Count(Requests, ("feishu.token.outcome", "failure")));
        Assert.Equal(0, metrics.Count(Requests, ("feishu.token.outcome", "success")));

        // The failure is not cached: the next call misses again and fetches.
        await client.Im.Chats.GetAsync("oc_1");
        Assert.Equal(2, metrics.Count(Lookups, ("feishu.token.cache.result", "miss")));
        Assert.Equal(1, metrics.Count(Requests, ("feishu.token.outcome", "success")));
        Assert.Single(metrics.Of(Failures));
    }

    [Fact]
    public async Task Concurrent_calls_on_a_cold_cache_all_miss_and_cause_exactly_one_fetch()
    {
        const int Calls = 1000;
        using var metrics = new MetricRecorder("cli_token_concurrent");
        var everyCallMissed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var misses = 0;
        metrics.OnMeasurement = m =>
        {
            if (m.Instrument == Lookups && Equals(m["feishu.token.cache.result"], "miss") && Interlocked.Increment(ref misses) == Calls)
            {
                everyCallMissed.SetResult();
            }
        };
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        stub.TokenResponder = n =>
        {
            // The token answers only once every call has found the cache cold, so none of them can hit.
            everyCallMissed.Task.Wait(TimeSpan.FromSeconds(30));
            return Responses.Token($"t-token-{n}", 7200);
        };
        using var client = TestClients.Create(stub, o => o.AppId = "cli_token_concurrent");

        await Task.WhenAll(Enumerable.Range(0, Calls).Select(_ => Task.Run(() => client.Im.Chats.GetAsync("oc_1"))));

        Assert.Equal(Calls, metrics.Count(Lookups, ("feishu.token.cache.result", "miss")));
        Assert.Equal(0, metrics.Count(Lookups, ("feishu.token.cache.result", "hit")));
        Assert.Equal(1, metrics.Count(Requests, ("feishu.token.outcome", "success")));
        Assert.Equal(1, stub.TokenRequests);
        Assert.Equal(Calls, stub.ApiRequests);
    }

    [Fact]
    public async Task A_token_fetch_is_a_child_activity_of_the_call_that_needed_it()
    {
        using var activities = new ActivityRecorder("cli_token_trace");
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub, o => o.AppId = "cli_token_trace");

        await client.Im.Chats.GetAsync("oc_1");
        await client.Im.Chats.GetAsync("oc_1");

        var calls = activities.Stopped.Where(a => a.DisplayName == "Feishu GET /open-apis/im/v1/chats/{chat_id}").ToList();
        var fetch = Assert.Single(activities.Stopped, a => a.DisplayName == "Feishu POST /open-apis/auth/v3/tenant_access_token/internal");
        Assert.Equal(2, calls.Count);
        Assert.Equal(calls[0].SpanId, fetch.ParentSpanId);
        Assert.Equal(calls[0].TraceId, fetch.TraceId);
        Assert.Equal((ActivityStatusCode.Ok, "tenant", 0), (fetch.Status, fetch.GetTagItem("feishu.token.kind"), fetch.GetTagItem("feishu.code")));
        Assert.All(calls, c => Assert.Equal(ActivityStatusCode.Ok, c.Status));
    }

    [Fact]
    public async Task A_failed_token_fetch_sets_the_error_status_on_its_activity_and_the_call()
    {
        using var activities = new ActivityRecorder("cli_token_trace_fail");
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}""")) { TokenResponder = _ => Responses.Error(FeishuErrorCodes.WrongAppSecret, "app secret invalid") };
        using var client = TestClients.Create(stub, o => o.AppId = "cli_token_trace_fail");

        await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        var fetch = Assert.Single(activities.Stopped, a => a.DisplayName.Contains("tenant_access_token", StringComparison.Ordinal));
        var call = Assert.Single(activities.Stopped, a => a.DisplayName.Contains("chats", StringComparison.Ordinal));
        Assert.Equal(call.SpanId, fetch.ParentSpanId);
        Assert.All([fetch, call], a =>
        {
            Assert.Equal(ActivityStatusCode.Error, a.Status);
            Assert.Equal("10015", a.GetTagItem("error.type"));
            Assert.Contains("app secret invalid", a.StatusDescription, StringComparison.Ordinal);
        });
    }
}
