using System.Net.Http.Json;
using Larkway.DingTalk;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>The DingTalk app client against the emulator: tokens, their expiry and refusal, retries, users.</summary>
public sealed class DingTalkAppClientTests : IAsyncLifetime
{
    private readonly EmulatorOptions _options = new() { Port = 0 };
    private EmulatorServer _emulator = null!;
    private HttpClient _control = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(_options);
        _control = new HttpClient { BaseAddress = new Uri(_emulator.BaseUrl, "/_emulator/dingtalk/") };
    }

    public async Task DisposeAsync()
    {
        _control.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_fetch_each_token_once()
    {
        using var recorder = new DingTalkRecordingHandler();
        using var client = Client(recorder);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? client.GetAccessTokenAsync() : client.GetOldApiAccessTokenAsync()));

        Assert.Equal(1, recorder.NewTokenRequests);
        Assert.Equal(1, recorder.OldTokenRequests);
        Assert.Single(tokens.Distinct());
    }

    [Fact]
    public async Task An_expired_token_is_refused_dropped_refetched_and_the_call_sent_once_more()
    {
        using var recorder = new DingTalkRecordingHandler();
        using var client = Client(recorder);
        Assert.Equal("Alice Chen", (await client.Users.GetAsync("alice")).Name);

        (await _control.PostAsync("tokens/expire", null)).EnsureSuccessStatusCode();
        var again = await client.Users.GetAsync("alice");

        Assert.Equal("alice", again.UserId);
        Assert.Equal(2, recorder.OldTokenRequests);
        var calls = recorder.To("POST", "/topapi/v2/user/get");
        Assert.Equal(3, calls.Count);
        Assert.Equal("42001", calls[1].Code);
        Assert.NotEqual(calls[1].Token, calls[2].Token);
    }

    [Fact]
    public async Task Wrong_credentials_say_which_app_and_what_to_check()
    {
        using var client = new DingTalkClient(new DingTalkAppOptions
        {
            AppKey = _options.DingTalkAppKey,
            AppSecret = "not-the-secret",
            ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
            OapiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        });

        var newApi = await Assert.ThrowsAsync<DingTalkApiException>(() => client.GetAccessTokenAsync());
        var oldApi = await Assert.ThrowsAsync<DingTalkApiException>(() => client.Users.GetAsync("alice"));

        Assert.Equal("invalidClientIdOrSecret", newApi.Code);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, newApi.HttpStatus);
        Assert.NotNull(newApi.RequestId);
        Assert.Contains(_options.DingTalkAppKey, newApi.Message, StringComparison.Ordinal);
        Assert.Contains("AppKey and AppSecret", newApi.Message, StringComparison.Ordinal);
        Assert.Equal("40089", oldApi.Code);
        Assert.Equal(40089, oldApi.ErrCode);
        Assert.DoesNotContain("not-the-secret", newApi.Message + oldApi.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_is_retried_through_server_errors_and_rate_limits_on_both_hosts()
    {
        using var recorder = new DingTalkRecordingHandler();
        using var client = Client(recorder, fastRetries: true);
        await FaultAsync("POST /topapi/v2/user/get", "server_error", 1);
        await FaultAsync("POST /topapi/v2/user/get", "rate_limit", 1);
        await FaultAsync("POST /v1.0/oauth2/accessToken", "server_error", 2);

        Assert.Equal("bob", (await client.Users.GetAsync("bob")).UserId);
        await client.GetAccessTokenAsync();

        Assert.Equal(["-1", "90018", "0"], recorder.To("POST", "/topapi/v2/user/get").Select(c => c.Code));
        Assert.Equal(3, recorder.NewTokenRequests);
    }

    [Fact]
    public async Task An_unknown_user_is_dingtalks_60121_not_a_retry()
    {
        using var recorder = new DingTalkRecordingHandler();
        using var client = Client(recorder);

        var missing = await Assert.ThrowsAsync<DingTalkApiException>(() => client.Users.GetAsync("nobody"));

        Assert.Equal("60121", missing.Code);
        Assert.False(missing.IsTransient);
        Assert.Single(recorder.To("POST", "/topapi/v2/user/get"));
    }

    private DingTalkClient Client(HttpMessageHandler handler, bool fastRetries = false) => new(new DingTalkAppOptions
    {
        AppKey = _options.DingTalkAppKey,
        AppSecret = _options.DingTalkAppSecret,
        ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        OapiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        Retry = fastRetries ? new DingTalkRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) } : new DingTalkRetryOptions(),
    }, handler: handler);

    private async Task FaultAsync(string endpoint, string kind, int count) =>
        (await _control.PostAsJsonAsync("faults", new { endpoint, kind, count })).EnsureSuccessStatusCode();
}
