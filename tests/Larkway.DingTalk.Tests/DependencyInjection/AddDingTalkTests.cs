using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Larkway.DingTalk.Tests.DependencyInjection;

public class AddDingTalkTests
{
    [Fact]
    public async Task A_named_app_binds_its_section_and_calls_through_its_named_handler()
    {
        var network = new TokenHandler();
        var services = Services(new()
        {
            ["DingTalk:Apps:ops:AppKey"] = "dingops",
            ["DingTalk:Apps:ops:AppSecret"] = "secret-ops",
            ["DingTalk:Apps:ops:ApiBaseUrl"] = "http://dingtalk.test",
            ["DingTalk:Apps:ops:Retry:MaxRetries"] = "1",
        });
        services.AddDingTalk().AddApp("ops");
        services.AddHttpClient(DingTalkBuilder.HttpClientName("ops")).ConfigurePrimaryHttpMessageHandler(() => network);
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<IDingTalkClientFactory>();
        var client = factory.GetClient("ops");
        var token = await client.GetAccessTokenAsync();

        client.AppKey.ShouldBe("dingops");
        factory.GetClient("ops").ShouldBeSameAs(client);
        provider.GetRequiredService<IOptionsMonitor<DingTalkAppOptions>>().Get("ops").Retry.MaxRetries.ShouldBe(1);
        token.ShouldBe("tok-dingops");
        network.Requests.ShouldHaveSingleItem().ShouldBe("http://dingtalk.test/v1.0/oauth2/accessToken appKey=dingops");
    }

    [Fact]
    public void Code_configuration_wins_over_the_section()
    {
        var services = Services(new() { ["DingTalk:AppKey"] = "dingconfig", ["DingTalk:AppSecret"] = "s" });
        services.AddDingTalk(o => o.AppKey = "dingcode");
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<DingTalkClient>().AppKey.ShouldBe("dingcode");
    }

    [Fact]
    public async Task A_bad_option_stops_the_start_naming_the_app_its_section_and_the_option()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDingTalk(o => (o.AppKey, o.AppSecret) = ("dingmain", "s"))
            .AddApp("ops", o => (o.AppKey, o.AppSecret, o.Timeout) = ("dingops", "s", TimeSpan.FromSeconds(-1)))
            .AddApp("hr", o => o.AppKey = "dinghr");
        using var host = builder.Build();

        // Every bad app is reported, each in its own validation exception.
        var ex = await Should.ThrowAsync<AggregateException>(() => host.StartAsync());
        var failures = ex.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();

        failures.ShouldContain(f => f.StartsWith("DingTalk app 'ops' (configuration section DingTalk:Apps:ops): DingTalkAppOptions.Timeout must be positive.", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("DingTalk app 'hr' (configuration section DingTalk:Apps:hr): DingTalkAppOptions needs AppKey and AppSecret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_of_named_apps_only_starts_and_its_blank_default_fails_when_used()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDingTalk().AddApp("ops", o => (o.AppKey, o.AppSecret) = ("dingops", "s"));
        using var host = builder.Build();

        await host.StartAsync();
        var ops = host.Services.GetRequiredService<IDingTalkClientFactory>().GetClient("ops");
        var ex = Should.Throw<DingTalkApiException>(() => host.Services.GetRequiredService<DingTalkClient>());
        await host.StopAsync();

        ops.AppKey.ShouldBe("dingops");
        ex.Code.ShouldBe(DingTalkErrorCodes.InvalidRequest);
    }

    [Fact]
    public void An_unknown_app_name_says_how_to_register_it()
    {
        using var provider = new ServiceCollection().AddDingTalkClientFactory().BuildServiceProvider();

        var ex = Should.Throw<InvalidOperationException>(() => provider.GetRequiredService<IDingTalkClientFactory>().GetClient("nope"));

        ex.Message.ShouldContain("AddDingTalk().AddApp(\"nope\"");
    }

    [Fact]
    public async Task A_run_time_app_gets_its_own_credentials_and_hosts_not_the_default_apps()
    {
        var services = Services([]);
        services.AddDingTalk(o => (o.AppKey, o.AppSecret, o.RobotCode, o.ApiBaseUrl) = ("dingmain", "s", "robot-main", new Uri("http://main.test")));
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<DingTalkClientFactory>();

        var withoutKey = Should.Throw<DingTalkApiException>(() => factory.CreateClient("stored", o => o.AppSecret = "s2"));
        using var stored = factory.CreateClient("stored", o => (o.AppKey, o.AppSecret) = ("dingstored", "s2"));

        withoutKey.ErrorMessage.ShouldContain("AppKey");
        stored.AppKey.ShouldBe("dingstored");
        factory.IsRegistered("stored").ShouldBeFalse();
        factory.IsRegistered("").ShouldBeTrue();
    }

    private static ServiceCollection Services(Dictionary<string, string?> configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        return services;
    }

    /// <summary>The network: answers DingTalk's new-API token call with a token named after the app, and records each call.</summary>
    private sealed class TokenHandler : HttpMessageHandler
    {
        public ConcurrentQueue<string> Requests { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var body = System.Text.Json.JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            var appKey = body.RootElement.GetProperty("appKey").GetString();
            Requests.Enqueue($"{request.RequestUri} appKey={appKey}");
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"accessToken":"tok-{{appKey}}","expireIn":7200}""", Encoding.UTF8, "application/json"),
            };
        }
    }
}
