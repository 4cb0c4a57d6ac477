using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Authen;

/// <summary><c>jssdk/ticket/get</c> over the wire: one ticket per app however many pages are signed, a new one near its lapse.</summary>
public sealed class JsapiTicketTests
{
    private const string TicketPath = "/open-apis/jssdk/ticket/get";

    [Fact]
    public async Task Many_pages_signed_at_once_fetch_one_ticket_and_each_config_has_its_own_nonce_and_a_signature_of_the_documented_string()
    {
        var clock = new ShiftableTimeProvider();
        var options = new EmulatorOptions { Port = 0, TimeProvider = clock, EnforceRateLimits = false };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var recorder = new RecordingHandler();
        using var client = new FeishuClient(new FeishuAppOptions { AppId = options.AppId, AppSecret = options.AppSecret, BaseUrl = emulator.BaseUrl }, timeProvider: clock, handler: recorder);
        const string Page = "https://h5.example.com/approve.html?po=4711";

        var configs = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => client.Authen.CreateH5ConfigAsync(Page))));

        Assert.Single(recorder.To("POST", TicketPath));
        var ticket = TicketOf(recorder.To("POST", TicketPath)[0].ResponseBody);
        Assert.Equal(50, configs.Select(c => c.NonceStr).Distinct().Count());
        foreach (var config in configs)
        {
            Assert.Equal(options.AppId, config.AppId);
            Assert.Equal(Sha1Hex($"jsapi_ticket={ticket}&noncestr={config.NonceStr}&timestamp={config.Timestamp}&url={Page}"), config.Signature);
        }

        // Two hours is the ticket's life: an hour on, the same ticket; within five minutes of its lapse, a new one.
        clock.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(ticket, (await client.Authen.GetJsapiTicketAsync()).Ticket);
        clock.Advance(TimeSpan.FromMinutes(57));
        var renewed = await client.Authen.GetJsapiTicketAsync();
        Assert.Equal(2, recorder.To("POST", TicketPath).Count);
        Assert.DoesNotContain(renewed.Ticket, renewed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_url_that_is_not_absolute_http_is_refused_before_any_call()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var recorder = new RecordingHandler();
        using var client = new FeishuClient(new FeishuAppOptions { AppId = emulator.State.Apps[0].AppId, AppSecret = emulator.State.Apps[0].AppSecret, BaseUrl = emulator.BaseUrl }, handler: recorder);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.Authen.CreateH5ConfigAsync("/approve.html"));
        Assert.Contains("absolute http(s) URL", error.Message, StringComparison.Ordinal);
        Assert.Empty(recorder.To("POST", TicketPath));
    }

    private static string TicketOf(string? body)
    {
        using var document = JsonDocument.Parse(body!);
        var data = document.RootElement.GetProperty("data");
        Assert.True(data.GetProperty("expire_in").GetInt32() > 0);
        return data.GetProperty("ticket").GetString()!;
    }

    private static string Sha1Hex(string text)
    {
#pragma warning disable CA5350 // the wire format's hash, computed here independently of the client
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5350
    }
}
