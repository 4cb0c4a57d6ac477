using System.Net;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.AspNetCore;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.Authen;

/// <summary>
/// What the client signs for an H5 page, checked by the Emulator's own h5sdk.config check (<c>POST /h5/config</c>, as
/// its h5sdk stand-in sends it): accepted as made, refused when anything is changed, reused or stale.
/// </summary>
public sealed class H5ConfigWireTests : IAsyncLifetime
{
    private const string Page = "http://127.0.0.1:5173/approve.html?po=4711";

    private readonly ShiftableTimeProvider _emulatorClock = new();
    private EmulatorServer _emulator = null!;
    private AuthenControl _authen = null!;
    private EmulatorOptions _options = null!;

    public async Task InitializeAsync()
    {
        _options = new EmulatorOptions { Port = 0, TimeProvider = _emulatorClock, EnforceRateLimits = false };
        _emulator = await EmulatorServer.StartAsync(_options);
        _authen = new AuthenControl(_emulator.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        _authen.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_config_the_client_made_is_accepted_once_and_refused_when_tampered_with()
    {
        using var client = Client();
        var config = await client.Authen.CreateH5ConfigAsync(Page);
        var other = await client.Authen.CreateH5ConfigAsync(Page);

        // Each part changed is refused; none of these uses the signature up.
        (await CheckAsync(config with { Signature = Flip(config.Signature) })).Code.ShouldBe(333441);
        (await CheckAsync(config with { NonceStr = config.NonceStr + "x" })).Code.ShouldBe(333441);
        (await CheckAsync(config with { Timestamp = config.Timestamp + 1 })).Code.ShouldBe(333441);
        (await CheckAsync(config, "http://127.0.0.1:5173/approve.html?po=4712")).Code.ShouldBe(333441);
        (await CheckAsync(config with { AppId = "cli_00000000000000ff" })).Code.ShouldBe(333440);

        (await CheckAsync(config)).ShouldBe((0, "ok"));
        (await CheckAsync(config)).Code.ShouldBe(333443);
        (await CheckAsync(other)).Code.ShouldBe(0);
    }

    [Fact]
    public async Task A_config_older_than_ten_minutes_is_refused_and_a_fresh_one_from_the_same_ticket_is_not()
    {
        var clientClock = new ShiftableTimeProvider();
        using var client = Client(clientClock);
        var config = await client.Authen.CreateH5ConfigAsync(Page);

        _emulatorClock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        clientClock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        (await CheckAsync(config)).Code.ShouldBe(333444);
        (await CheckAsync(await client.Authen.CreateH5ConfigAsync(Page))).Code.ShouldBe(0);
    }

    [Fact]
    public async Task An_app_whose_ticket_was_never_fetched_cannot_be_configured()
    {
        var forged = new Larkway.Feishu.Authen.H5Config(_options.AppId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "nonce-0001", new string('0', 40));

        (await CheckAsync(forged)).Code.ShouldBe(333442);
    }

    [Fact]
    public async Task The_answer_of_MapFeishuJsapiConfig_in_a_real_host_is_accepted_by_the_emulator_and_a_foreign_page_gets_nothing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddFeishu(o =>
        {
            o.AppId = _options.AppId;
            o.AppSecret = _options.AppSecret;
            o.BaseUrl = _emulator.BaseUrl;
        });
        await using var app = builder.Build();
        app.MapFeishuJsapiConfig("/feishu/jsapi-config", o => o.AllowedOrigins.Add("http://127.0.0.1:5173"));
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var answer = JsonDocument.Parse(await http.GetStringAsync(new Uri("/feishu/jsapi-config?url=" + Uri.EscapeDataString(Page + "#/detail"), UriKind.Relative)));
        var root = answer.RootElement;
        var (code, _) = await _authen.CheckH5ConfigAsync(root.GetProperty("appId").GetString(), root.GetProperty("timestamp").GetInt64(),
            root.GetProperty("nonceStr").GetString(), root.GetProperty("signature").GetString(), Page);

        code.ShouldBe(0);
        using var foreign = await http.GetAsync(new Uri("/feishu/jsapi-config?url=" + Uri.EscapeDataString("http://127.0.0.1:5174/approve.html"), UriKind.Relative));
        foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await app.StopAsync();
    }

    private FeishuClient Client(TimeProvider? clock = null) =>
        new(new FeishuAppOptions { AppId = _options.AppId, AppSecret = _options.AppSecret, BaseUrl = _emulator.BaseUrl }, timeProvider: clock);

    private Task<(int Code, string Msg)> CheckAsync(Larkway.Feishu.Authen.H5Config config, string url = Page) =>
        _authen.CheckH5ConfigAsync(config.AppId, config.Timestamp, config.NonceStr, config.Signature, url);

    private static string Flip(string hex) => (hex[0] == '0' ? "1" : "0") + hex[1..];
}
