using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Larkway.WeCom.Tests.DependencyInjection;

public class AddWeComTests
{
    [Fact]
    public async Task A_named_app_binds_its_section_and_calls_through_its_named_handler()
    {
        var network = new TokenHandler();
        var services = Services(new()
        {
            ["WeCom:Apps:ops:CorpId"] = "wwops",
            ["WeCom:Apps:ops:CorpSecret"] = "secret-ops",
            ["WeCom:Apps:ops:ApiBaseUrl"] = "http://wecom.test",
            ["WeCom:Apps:ops:Retry:MaxRetries"] = "1",
        });
        services.AddWeCom().AddApp("ops");
        services.AddHttpClient(WeComBuilder.HttpClientName("ops")).ConfigurePrimaryHttpMessageHandler(() => network);
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<IWeComClientFactory>();
        var client = factory.GetClient("ops");
        var token = await client.GetAccessTokenAsync();

        client.CorpId.ShouldBe("wwops");
        factory.GetClient("ops").ShouldBeSameAs(client);
        provider.GetRequiredService<IOptionsMonitor<WeComAppOptions>>().Get("ops").Retry.MaxRetries.ShouldBe(1);
        token.ShouldBe("tok-wwops");
        network.Requests.ShouldHaveSingleItem().ShouldStartWith("http://wecom.test/cgi-bin/gettoken?corpid=wwops&");
    }

    [Fact]
    public void Code_configuration_wins_over_the_section()
    {
        var services = Services(new() { ["WeCom:CorpId"] = "wwconfig", ["WeCom:CorpSecret"] = "s" });
        services.AddWeCom(o => o.CorpId = "wwcode");
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<WeComClient>().CorpId.ShouldBe("wwcode");
    }

    [Fact]
    public async Task A_bad_option_stops_the_start_naming_the_app_its_section_and_the_option()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWeCom(o => (o.CorpId, o.CorpSecret) = ("wwmain", "s"))
            .AddApp("ops", o => (o.CorpId, o.CorpSecret, o.Timeout) = ("wwops", "s", TimeSpan.FromSeconds(-1)))
            .AddApp("hr", o => o.CorpId = "wwhr");
        using var host = builder.Build();

        // Every bad app is reported, each in its own validation exception.
        var ex = await Should.ThrowAsync<AggregateException>(() => host.StartAsync());
        var failures = ex.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();

        failures.ShouldContain(f => f.StartsWith("WeCom app 'ops' (configuration section WeCom:Apps:ops): WeComAppOptions.Timeout must be positive.", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("WeCom app 'hr' (configuration section WeCom:Apps:hr): WeComAppOptions needs CorpId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_of_named_apps_only_starts_and_its_blank_default_fails_when_used()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWeCom().AddApp("ops", o => (o.CorpId, o.CorpSecret) = ("wwops", "s"));
        using var host = builder.Build();

        await host.StartAsync();
        var ops = host.Services.GetRequiredService<IWeComClientFactory>().GetClient("ops");
        var ex = Should.Throw<WeComApiException>(() => host.Services.GetRequiredService<WeComClient>());
        await host.StopAsync();

        ops.CorpId.ShouldBe("wwops");
        ex.Code.ShouldBe(WeComErrorCodes.InvalidRequest);
    }

    [Fact]
    public void An_unknown_app_name_says_how_to_register_it()
    {
        using var provider = new ServiceCollection().AddWeComClientFactory().BuildServiceProvider();

        var ex = Should.Throw<InvalidOperationException>(() => provider.GetRequiredService<IWeComClientFactory>().GetClient("nope"));

        ex.Message.ShouldContain("AddWeCom().AddApp(\"nope\"");
    }

    [Fact]
    public async Task A_run_time_app_gets_its_own_credentials_and_hosts_not_the_default_apps()
    {
        var services = Services([]);
        services.AddWeCom(o => (o.CorpId, o.CorpSecret, o.AgentId, o.ApiBaseUrl) = ("wwmain", "s", 1000002, new Uri("http://main.test")));
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<WeComClientFactory>();

        var withoutKey = Should.Throw<WeComApiException>(() => factory.CreateClient("stored", o => o.CorpSecret = "s2"));
        using var stored = factory.CreateClient("stored", o => (o.CorpId, o.CorpSecret) = ("wwstored", "s2"));

        withoutKey.ErrorMessage.ShouldContain("CorpId");
        stored.CorpId.ShouldBe("wwstored");
        stored.AgentId.ShouldBeNull();
        factory.IsRegistered("stored").ShouldBeFalse();
        factory.IsRegistered("").ShouldBeTrue();
    }

    private static ServiceCollection Services(Dictionary<string, string?> configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        return services;
    }

    /// <summary>The network: answers WeCom's new-API token call with a token named after the app, and records each call.</summary>
    private sealed class TokenHandler : HttpMessageHandler
    {
        public ConcurrentQueue<string> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request.RequestUri!.ToString());
            var corpId = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query)["corpid"];
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"errcode":0,"errmsg":"ok","access_token":"tok-{{corpId}}","expires_in":7200}""", Encoding.UTF8, "application/json"),
            });
        }
    }
}
