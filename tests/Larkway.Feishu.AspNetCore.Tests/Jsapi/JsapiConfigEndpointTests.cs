using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Feishu.AspNetCore.Jsapi;
using Larkway.Feishu.AspNetCore.Tests.SignIn;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.AspNetCore.Tests.Jsapi;

/// <summary>MapFeishuJsapiConfig: h5sdk.config parameters for allowed pages only, fresh each call, never the ticket.</summary>
public sealed class JsapiConfigEndpointTests
{
    private const string AppId = "cli_h5app000000000001";
    private const string Page = "https://h5.example.com/approve.html?po=4711";

    [Fact]
    public async Task An_allowed_page_gets_its_app_id_a_millisecond_timestamp_a_fresh_nonce_and_the_signature_of_its_url_and_never_the_ticket()
    {
        var feishu = new FakeFeishu();
        var time = new ManualTime(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
        await using var host = await JsapiHost.StartAsync(feishu, o => o.AllowedOrigins.Add("https://h5.example.com"), time);

        using var first = await host.GetAsync(Page);
        using var second = await host.GetAsync(Page);

        var configs = new[] { first, second }.Select(r => r.RootElement).ToList();
        foreach (var config in configs)
        {
            config.GetProperty("appId").GetString().ShouldBe(AppId);
            config.GetProperty("timestamp").GetInt64().ShouldBe(time.Now.ToUnixTimeMilliseconds());
            config.GetProperty("url").GetString().ShouldBe(Page);
            var nonce = config.GetProperty("nonceStr").GetString()!;
            config.GetProperty("signature").GetString().ShouldBe(Sha1Hex($"jsapi_ticket={FakeFeishu.Ticket}&noncestr={nonce}&timestamp={time.Now.ToUnixTimeMilliseconds()}&url={Page}"));
            config.GetRawText().ShouldNotContain(FakeFeishu.Ticket);
        }

        configs[0].GetProperty("nonceStr").GetString().ShouldNotBe(configs[1].GetProperty("nonceStr").GetString());
        feishu.To("/open-apis/jssdk/ticket/get").Count.ShouldBe(1);
        host.LastCacheControl.ShouldBe("no-store");
    }

    [Fact]
    public async Task The_fragment_is_left_out_of_the_signed_url_and_the_url_is_signed_as_sent()
    {
        var feishu = new FakeFeishu();
        await using var host = await JsapiHost.StartAsync(feishu, o => o.AllowedOrigins.Add("https://H5.Example.com:443/"));
        const string Sent = "https://h5.example.com/app/index.html?tab=%E5%AE%A1%E6%89%B9#/requests/7";

        using var config = await host.GetAsync(Sent);

        config.RootElement.GetProperty("url").GetString().ShouldBe("https://h5.example.com/app/index.html?tab=%E5%AE%A1%E6%89%B9");
        var nonce = config.RootElement.GetProperty("nonceStr").GetString()!;
        var timestamp = config.RootElement.GetProperty("timestamp").GetInt64();
        config.RootElement.GetProperty("signature").GetString()
            .ShouldBe(Sha1Hex($"jsapi_ticket={FakeFeishu.Ticket}&noncestr={nonce}&timestamp={timestamp}&url=https://h5.example.com/app/index.html?tab=%E5%AE%A1%E6%89%B9"));
    }

    public static TheoryData<string> ForeignPages => new()
    {
        "https://evil.example/approve.html",
        "http://h5.example.com/approve.html",
        "https://h5.example.com:8443/approve.html",
        "https://h5.example.com.evil.example/approve.html",
        "https://sub.h5.example.com/approve.html",
    };

    [Theory]
    [MemberData(nameof(ForeignPages))]
    public async Task A_page_elsewhere_is_refused_with_403_naming_the_origin_and_the_setting(string page)
    {
        var feishu = new FakeFeishu();
        await using var host = await JsapiHost.StartAsync(feishu, o => o.AllowedOrigins.Add("https://h5.example.com"));

        var (status, problem) = await host.ProblemAsync("?url=" + Uri.EscapeDataString(page));

        status.ShouldBe(HttpStatusCode.Forbidden);
        problem.GetProperty("type").GetString().ShouldBe("https://larkway.dev/problems/feishu/jsapi-origin-not-allowed");
        problem.GetProperty("detail").GetString()!.ShouldContain($"add \"{new Uri(page).GetLeftPart(UriPartial.Authority)}\" to AllowedOrigins of MapFeishuJsapiConfig(\"/feishu/jsapi-config\")");
        feishu.Requests.ShouldBeEmpty();
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "", "jsapi-url-missing", "Send the page's URL once: GET /feishu/jsapi-config?url=" },
        { "?url=", "jsapi-url-missing", "Send the page's URL once" },
        { "?url=a&url=b", "jsapi-url-missing", "Send the page's URL once" },
        { "?url=%2Fapprove.html", "jsapi-url-invalid", "absolute http(s) URL of the page" },
        { "?url=" + Uri.EscapeDataString("ftp://h5.example.com/a"), "jsapi-url-invalid", "absolute http(s) URL of the page" },
        { "?url=" + Uri.EscapeDataString("https://user:pw@h5.example.com/a"), "jsapi-url-invalid", "absolute http(s) URL of the page" },
        { "?url=" + Uri.EscapeDataString("https://h5.example.com/" + new string('a', 4100)), "jsapi-url-invalid", "longer than 4096 characters" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_missing_or_malformed_url_is_400_saying_what_to_send(string query, string slug, string detail)
    {
        var feishu = new FakeFeishu();
        await using var host = await JsapiHost.StartAsync(feishu, o => o.AllowedOrigins.Add("https://h5.example.com"));

        var (status, problem) = await host.ProblemAsync(query);

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.GetProperty("type").GetString().ShouldBe("https://larkway.dev/problems/feishu/" + slug);
        problem.GetProperty("detail").GetString()!.ShouldContain(detail);
        feishu.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refusal_from_feishu_is_502_with_its_code()
    {
        var feishu = new FakeFeishu { JsapiTicket = () => (HttpStatusCode.BadRequest, """{"code":99991672,"msg":"Access denied. One of the following scopes is required"}""") };
        await using var host = await JsapiHost.StartAsync(feishu, o => o.AllowedOrigins.Add("https://h5.example.com"));

        var (status, problem) = await host.ProblemAsync("?url=" + Uri.EscapeDataString(Page));

        status.ShouldBe(HttpStatusCode.BadGateway);
        problem.GetProperty("type").GetString().ShouldBe("https://larkway.dev/problems/feishu/jsapi-ticket-unavailable");
        problem.GetProperty("detail").GetString()!.ShouldContain("code 99991672");
    }

    [Fact]
    public async Task Options_registered_in_services_apply_and_the_mapping_adds_to_a_copy()
    {
        var feishu = new FakeFeishu();
        await using var host = await JsapiHost.StartAsync(feishu, o => o.AllowedOrigins.Add("https://second.example.com"),
            services: s => s.Configure<FeishuJsapiConfigOptions>(o => o.AllowedOrigins.Add("https://h5.example.com")));

        (await host.GetAsync(Page)).Dispose();
        (await host.GetAsync("https://second.example.com/")).Dispose();
        host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FeishuJsapiConfigOptions>>().Value.AllowedOrigins.ShouldBe(["https://h5.example.com"]);
    }

    public static TheoryData<string?, string> BadMappings => new()
    {
        { null, "add the origins of your H5 pages to AllowedOrigins" },
        { "https://h5.example.com/app", "'https://h5.example.com/app' is not an origin" },
        { "h5.example.com", "'h5.example.com' is not an origin" },
        { "*", "'*' is not an origin" },
        { "https://h5.example.com?x=1", "is not an origin" },
    };

    [Theory]
    [MemberData(nameof(BadMappings))]
    public async Task Mapping_without_a_usable_allow_list_fails_saying_what_to_configure(string? origin, string message)
    {
        var error = await Should.ThrowAsync<InvalidOperationException>(() => JsapiHost.StartAsync(new FakeFeishu(), o =>
        {
            if (origin is not null)
            {
                o.AllowedOrigins.Add(origin);
            }
        }));

        error.Message.ShouldContain(message);
    }

    [Fact]
    public async Task Mapping_without_AddFeishu_fails_saying_to_call_it()
    {
        var error = await Should.ThrowAsync<InvalidOperationException>(() => JsapiHost.StartAsync(null, o => o.AllowedOrigins.Add("https://h5.example.com")));

        error.Message.ShouldContain("call it first");
    }

    [Fact]
    public async Task Mapping_for_an_app_nobody_registered_fails_naming_it()
    {
        var error = await Should.ThrowAsync<InvalidOperationException>(() => JsapiHost.StartAsync(new FakeFeishu(), o =>
        {
            o.AllowedOrigins.Add("https://h5.example.com");
            o.AppName = "ledger";
        }));

        error.Message.ShouldContain("app 'ledger', which is not registered: call services.AddFeishu().AddApp(\"ledger\", o => …)");
    }

    [Fact]
    public async Task A_named_app_signs_with_its_own_ticket()
    {
        var feishu = new FakeFeishu();
        await using var host = await JsapiHost.StartAsync(feishu, o =>
        {
            o.AllowedOrigins.Add("https://h5.example.com");
            o.AppName = "ops";
        }, services: s =>
        {
            s.AddFeishu().AddApp("ops", o => { o.AppId = "cli_ops00000000000002"; o.AppSecret = "ops-app-secret-000000000000000002"; });
            s.AddHttpClient(FeishuBuilder.HttpClientName("ops")).ConfigurePrimaryHttpMessageHandler(() => feishu);
        });

        using var config = await host.GetAsync(Page);

        config.RootElement.GetProperty("appId").GetString().ShouldBe("cli_ops00000000000002");
    }

    private static string Sha1Hex(string text)
    {
#pragma warning disable CA5350 // the wire format's hash, computed here independently of the library
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5350
    }

    /// <summary>A host with the default app (its network the fake) and the endpoint at /feishu/jsapi-config.</summary>
    private sealed class JsapiHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _client;

        private JsapiHost(WebApplication app)
        {
            _app = app;
            _client = app.GetTestClient();
        }

        public IServiceProvider Services => _app.Services;

        public string? LastCacheControl { get; private set; }

        public static async Task<JsapiHost> StartAsync(FakeFeishu? feishu, Action<FeishuJsapiConfigOptions> configure, TimeProvider? time = null, Action<IServiceCollection>? services = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            if (feishu is not null)
            {
                builder.Services.AddFeishu(o => { o.AppId = AppId; o.AppSecret = "h5-app-secret-00000000000000001"; });
                builder.Services.AddHttpClient(FeishuBuilder.HttpClientName(string.Empty)).ConfigurePrimaryHttpMessageHandler(() => feishu);
            }

            services?.Invoke(builder.Services);
            var app = builder.Build();
            app.MapFeishuJsapiConfig("/feishu/jsapi-config", configure);
            await app.StartAsync();
            return new JsapiHost(app);
        }

        public async Task<JsonDocument> GetAsync(string page)
        {
            using var response = await _client.GetAsync(new Uri("/feishu/jsapi-config?url=" + Uri.EscapeDataString(page), UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
            LastCacheControl = response.Headers.CacheControl?.ToString();
            return JsonDocument.Parse(text);
        }

        public async Task<(HttpStatusCode Status, JsonElement Problem)> ProblemAsync(string query)
        {
            using var response = await _client.GetAsync(new Uri("/feishu/jsapi-config" + query, UriKind.Relative));
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return (response.StatusCode, json.RootElement.Clone());
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
