using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Larkway.Emulator.Authen;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Authen;

public sealed class H5ConfigTests
{
    private const string AppId = "cli_a1b2c3d4e5f60001";

    public static TheoryData<string, string, string, string, string> OfficialVectors => new()
    {
        // 组件SDK鉴权流程 §3 and the web-app tutorial (示例代码介绍, integrating-web-apps-in-5-minutes/debug-and-release).
        { "a885c93b03d6b6057e992ddda519e6ac857b5d6c", "Y7a8KkqX041bsSwT", "1609904126124", "https://m.mm.cn/ttc/3541093/3131_1.html", "fc87e50e5fa427ffad0685cc5040a004531d8e9c" },
        { "617bf955832a4d4d80d9d8d85917a427", "Y7a8KkqX041bsSwT", "1510045655000", "https://example.cn/test/1234/content.html", "40a68999ecf7e05907edba43b31a50fd1830c777" },
    };

    [Theory]
    [MemberData(nameof(OfficialVectors))]
    public void The_checker_takes_feishus_published_signatures_once_and_refuses_them_after_ten_minutes(string ticket, string nonce, string timestamp, string url, string signature)
    {
        var (checker, clock, tickets) = Checker(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(timestamp, CultureInfo.InvariantCulture)).AddSeconds(30));
        tickets.Put(AppId, ticket);
        var config = new H5Config(AppId, timestamp, nonce, signature, url);

        Assert.Equal((0, "ok"), checker.Check(config));
        Assert.Equal(H5ConfigChecker.SignatureReused, checker.Check(config).Code);
        Assert.Equal(H5ConfigChecker.WrongSignature, checker.Check(config with { Url = url + "?x=1" }).Code);
        Assert.Equal(H5ConfigChecker.WrongSignature, checker.Check(config with { Signature = signature.ToUpperInvariant() }).Code);

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(H5ConfigChecker.SignatureExpired, checker.Check(config).Code);
    }

    [Fact]
    public void An_unknown_app_or_an_app_without_a_live_ticket_is_refused()
    {
        var (checker, clock, tickets) = Checker(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var timestamp = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var config = new H5Config(AppId, timestamp, "nonce", "00", "https://app.example.com/");

        Assert.Equal(H5ConfigChecker.AppMissing, checker.Check(config with { AppId = "cli_0000000000000000" }).Code);
        Assert.Equal(H5ConfigChecker.NoTicket, checker.Check(config).Code);
        tickets.Put(AppId, "t1");
        clock.Advance(JsapiTickets.Lifetime);
        Assert.Equal(H5ConfigChecker.NoTicket, checker.Check(config).Code);
    }

    [Fact]
    public async Task The_h5sdk_config_endpoint_checks_a_signature_made_with_the_ticket_from_the_open_api()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var ticketReply = await emulator.PostJsonAsync("/open-apis/jssdk/ticket/get", new { }, await emulator.TenantTokenAsync());
        var ticket = ticketReply.Data.GetProperty("ticket").GetString()!;
        var timestamp = emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        const string url = "http://127.0.0.1:5000/app/index.html?tab=1";

        // Signed here independently: SHA-1 hex of the four fields in Feishu's order (SHA-1 is what Feishu mandates).
#pragma warning disable CA5350
        var signature = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"jsapi_ticket={ticket}&noncestr=n0nce&timestamp={timestamp}&url={url}")));
#pragma warning restore CA5350
        var body = $$"""{"appId":"{{emulator.Options.AppId}}","timestamp":"{{timestamp}}","nonceStr":"n0nce","signature":"{{signature}}","jsApiList":["getUserInfo"],"url":"{{url}}"}""";
        using (var ok = await PostTextAsync(emulator, body))
        {
            Assert.Equal(0, ok.Code);
            Assert.Equal("*", ok.Header("Access-Control-Allow-Origin"));
        }

        using var reused = await PostTextAsync(emulator, body);
        Assert.Equal(333443, reused.Code);
    }

    [Fact]
    public async Task The_container_frames_the_app_page_and_serves_the_h5sdk_stand_in()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var page = await emulator.Http.GetStringAsync("/h5?url=" + Uri.EscapeDataString("http://127.0.0.1:5000/app"));
        Assert.Contains("<iframe title=\"app\" src=\"http://127.0.0.1:5000/app\"", page, StringComparison.Ordinal);

        var script = await emulator.Http.GetStringAsync("/h5/h5-js-sdk.js");
        Assert.Contains("window.h5sdk", script, StringComparison.Ordinal);
        Assert.Contains("/h5/config", script, StringComparison.Ordinal);

        using var bad = await Reply.ReadAsync(await emulator.Http.GetAsync("/h5?url=javascript:alert(1)"));
        Assert.Equal(400, bad.Status);
    }

    private static async Task<Reply> PostTextAsync(TestEmulator emulator, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        return await Reply.ReadAsync(await emulator.Http.PostAsync("/h5/config", content));
    }

    private static (H5ConfigChecker Checker, ManualClock Clock, JsapiTickets Tickets) Checker(DateTimeOffset now)
    {
        var clock = new ManualClock(now);
        var state = new EmulatorState(new EmulatorTenant("tenant", "Tenant"), clock);
        state.AddApp(new EmulatorApp(AppId, "secret", "Bot", "ou_bot"));
        var tickets = new JsapiTickets(clock);
        return (new H5ConfigChecker(state, tickets, clock), clock, tickets);
    }
}
