using System.Net;
using Larkway.Feishu.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Larkway.Feishu.Tests.DependencyInjection;

public class AddFeishuTests
{
    [Fact]
    public void Default_app_binds_the_Feishu_section_and_named_apps_their_own()
    {
        using var provider = Build(new()
        {
            ["Feishu:AppId"] = "cli_default",
            ["Feishu:AppSecret"] = "secret-default",
            ["Feishu:Timeout"] = "00:00:10",
            ["Feishu:Retry:MaxRetries"] = "5",
            ["Feishu:Apps:intl:AppId"] = "cli_intl",
            ["Feishu:Apps:intl:AppSecret"] = "secret-intl",
            ["Feishu:Apps:intl:BaseUrl"] = "https://open.larksuite.com",
            ["Feishu:Apps:intl:RateLimit:MessagesPerSecond"] = "20",
            ["Feishu:Apps:intl:Bitable:BatchCreateSize"] = "500",
            ["Feishu:Apps:intl:Bitable:DataNotReadyDelay"] = "00:00:02",
        }, b => b.AddApp("intl"));

        var options = provider.GetRequiredService<IOptionsMonitor<FeishuAppOptions>>();
        var main = options.Get(Options.DefaultName);
        var intl = options.Get("intl");

        Assert.Equal(("cli_default", FeishuBaseUrls.Feishu, TimeSpan.FromSeconds(10), 5), (main.AppId, main.BaseUrl, main.Timeout, main.Retry.MaxRetries));
        Assert.Equal(("cli_intl", FeishuBaseUrls.Lark, 20), (intl.AppId, intl.BaseUrl, intl.RateLimit.MessagesPerSecond));
        Assert.Equal((500, TimeSpan.FromSeconds(2), 1000), (intl.Bitable.BatchCreateSize, intl.Bitable.DataNotReadyDelay, main.Bitable.BatchCreateSize));
        Assert.Equal("cli_default", provider.GetRequiredService<FeishuClient>().AppId);
        Assert.Equal("cli_intl", provider.GetRequiredService<IFeishuClientFactory>().GetClient("intl").AppId);
        Assert.Same(provider.GetRequiredService<FeishuClient>(), provider.GetRequiredService<IFeishuClientFactory>().GetClient(Options.DefaultName));
    }

    [Fact]
    public void Code_configuration_wins_over_configuration_sections()
    {
        using var provider = Build(new() { ["Feishu:AppId"] = "cli_config", ["Feishu:AppSecret"] = "s" }, configureDefault: o => o.AppId = "cli_code");

        Assert.Equal("cli_code", provider.GetRequiredService<FeishuClient>().AppId);
    }

    [Fact]
    public void Default_app_falls_back_to_the_FEISHU_environment_variables()
    {
        var environment = new Dictionary<string, string?>
        {
            ["FEISHU_APP_ID"] = "cli_env",
            ["FEISHU_APP_SECRET"] = "secret-env",
            ["FEISHU_BASE_URL"] = "http://127.0.0.1:8787",
        };
        using var provider = Build([], environment: environment);

        var options = provider.GetRequiredService<IOptionsMonitor<FeishuAppOptions>>().Get(Options.DefaultName);

        Assert.Equal(("cli_env", "secret-env", new Uri("http://127.0.0.1:8787")), (options.AppId, options.AppSecret, options.BaseUrl));
    }

    [Fact]
    public async Task Validation_at_start_names_the_missing_settings()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Feishu:AppId"] = "cli_1", ["Feishu:AppSecret"] = "s" });
        builder.Services.AddSingleton(new FeishuEnvironment(_ => null));
        builder.Services.AddFeishu().AddApp("ops", o => o.AppSecret = "s");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Feishu app 'ops': AppId is missing. Set Feishu:Apps:ops:AppId in configuration.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_default_credentials_name_the_environment_variables()
    {
        using var provider = Build([]);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Feishu:AppId in configuration (or the FEISHU_APP_ID environment variable)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FEISHU_APP_SECRET", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_with_only_named_apps_starts_and_the_blank_default_fails_when_used()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(new FeishuEnvironment(_ => null));
        builder.Services.AddFeishu().AddApp("ops", o => (o.AppId, o.AppSecret) = ("cli_ops", "s"));
        using var host = builder.Build();

        await host.StartAsync();
        var ops = host.Services.GetRequiredService<IFeishuClientFactory>().GetClient("ops");
        var ex = Assert.Throws<FeishuApiException>(() => host.Services.GetRequiredService<FeishuClient>());
        await host.StopAsync();

        Assert.Equal("cli_ops", ops.AppId);
        Assert.Equal(FeishuErrorCodes.MissingCredentials, ex.Code);
        Assert.Contains("FEISHU_APP_ID", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_app_name_says_how_to_register_it()
    {
        using var provider = Build(new() { ["Feishu:AppId"] = "cli_1", ["Feishu:AppSecret"] = "s" });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IFeishuClientFactory>().GetClient("nope"));

        Assert.Contains("AddApp(\"nope\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registrations_are_TryAdd_so_calling_AddFeishu_twice_is_harmless()
    {
        var services = new ServiceCollection();
        services.AddFeishu();
        var count = services.Count;

        services.AddFeishu();

        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(FeishuClient)));
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(IFeishuClientFactory)));
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(IValidateOptions<FeishuAppOptions>)));
        Assert.True(services.Count - count <= 2);
    }

    [Fact]
    public void AddApp_needs_a_name()
    {
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddFeishu().AddApp(""));
    }

    [Fact]
    public async Task A_request_of_the_users_own_on_the_apps_named_client_gets_the_token_retries_and_a_renewed_token()
    {
        var feishu = new StubHandler((_, n) => n switch
        {
            1 => Responses.Json("""{"code":1,"msg":"busy"}""", HttpStatusCode.InternalServerError),
            2 => Responses.Error(FeishuErrorCodes.TenantAccessTokenInvalid, "token invalid"),
            _ => Responses.Ok("""{"chat_id":"oc_1"}"""),
        });
        var services = new ServiceCollection();
        services.AddSingleton(new FeishuEnvironment(_ => null));
        services.AddFeishu(o =>
        {
            (o.AppId, o.AppSecret) = ("cli_cn", "s-cn");
            o.Retry.BaseDelay = o.Retry.MaxDelay = TimeSpan.FromMilliseconds(1);
        });
        services.AddHttpClient(FeishuBuilder.HttpClientName(Options.DefaultName)).ConfigurePrimaryHttpMessageHandler(() => feishu);
        await using var provider = services.BuildServiceProvider();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(FeishuBuilder.HttpClientName(Options.DefaultName));

        using var response = await http.GetAsync(new Uri("https://open.feishu.cn/open-apis/im/v1/chats/oc_1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Bearer t-token-1", "Bearer t-token-1", "Bearer t-token-2"], feishu.ApiCalls.Select(r => r.Authorization));
        Assert.Equal(2, feishu.TokenRequests);
    }

    [Fact]
    public void Feishus_exception_reads_as_every_clients_exception_with_its_code_as_text()
    {
        Larkway.Clients.LarkwayApiException remote = new FeishuApiException(FeishuErrorCodes.TenantAccessTokenInvalid, "invalid", HttpStatusCode.BadRequest, "log-1");
        Larkway.Clients.LarkwayApiException local = new FeishuApiException(FeishuErrorCodes.Timeout, "No answer within 5 s.");

        Assert.Equal(("Feishu", "99991663", "invalid", "log-1"), (remote.Platform, remote.Code, remote.ErrorMessage, remote.RequestId));
        Assert.Equal(99991663, ((FeishuApiException)remote).Code);
        Assert.Equal("Feishu error 99991663: invalid (log id log-1)", remote.Message);
        Assert.Equal("No answer within 5 s.", local.Message);
        Assert.True(local.IsTransient);
    }

    [Fact]
    public async Task Two_apps_in_one_container_have_separate_token_caches_and_hosts()
    {
        var feishu = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        var lark = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}""")) { TokenResponder = n => Responses.Token($"t-lark-{n}", 7200) };
        var services = new ServiceCollection();
        services.AddSingleton(new FeishuEnvironment(_ => null));
        services.AddFeishu(o => (o.AppId, o.AppSecret) = ("cli_cn", "s-cn"))
            .AddApp("intl", o => (o.AppId, o.AppSecret, o.BaseUrl) = ("cli_intl", "s-intl", FeishuBaseUrls.Lark));
        services.AddHttpClient(FeishuBuilder.HttpClientName(Options.DefaultName)).ConfigurePrimaryHttpMessageHandler(() => feishu);
        services.AddHttpClient(FeishuBuilder.HttpClientName("intl")).ConfigurePrimaryHttpMessageHandler(() => lark);
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IFeishuClientFactory>();

        await factory.GetClient(Options.DefaultName).Im.Chats.GetAsync("oc_1");
        await factory.GetClient("intl").Im.Chats.GetAsync("oc_1");
        await factory.GetClient("intl").Im.Chats.GetAsync("oc_1");

        Assert.Equal((1, 1), (feishu.TokenRequests, lark.TokenRequests));
        Assert.Contains("cli_cn", feishu.Requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("cli_intl", lark.Requests[0].Body, StringComparison.Ordinal);
        Assert.All(feishu.Requests, r => Assert.Equal("open.feishu.cn", r.Uri.Host));
        Assert.All(lark.Requests, r => Assert.Equal("open.larksuite.com", r.Uri.Host));
        Assert.All(lark.ApiCalls, r => Assert.Equal("Bearer t-lark-1", r.Authorization));
    }

    [Fact]
    public async Task Clients_created_at_run_time_take_the_default_apps_settings_but_not_its_credentials()
    {
        using var provider = Build(new()
        {
            ["Feishu:AppId"] = "cli_default",
            ["Feishu:AppSecret"] = "secret-default",
            ["Feishu:BaseUrl"] = "http://127.0.0.1:9",
            ["Feishu:RateLimit:Enabled"] = "false",
            ["Feishu:RateLimit:MessagesPerMinute"] = "600",
        });
        var factory = provider.GetRequiredService<FeishuClientFactory>();

        using var stored = factory.CreateClient("stored", o => (o.AppId, o.AppSecret) = ("cli_stored", "secret-stored"));
        var noCredentials = Assert.Throws<FeishuApiException>(() => factory.CreateClient("blank", _ => { }));

        Assert.Equal(("cli_stored", FeishuBaseUrls.Feishu, false, 600), (stored.AppId, stored.BaseUrl, stored.RateLimit.Enabled, stored.RateLimit.MessagesPerMinute));
        Assert.Equal(FeishuErrorCodes.MissingCredentials, noCredentials.Code);
        Assert.Equal((true, false), (factory.IsRegistered(Options.DefaultName), factory.IsRegistered("stored")));
        Assert.Same(factory, provider.GetRequiredService<IFeishuClientFactory>());
        Assert.Same(provider.GetRequiredService<FeishuClient>(), await ((IFeishuClientFactory)factory).GetClientAsync(Options.DefaultName));
    }

    [Fact]
    public void Users_tokens_default_to_the_in_memory_store_and_a_host_store_replaces_it()
    {
        using var provider = Build(new() { ["Feishu:AppId"] = "cli_default", ["Feishu:AppSecret"] = "s" });

        Assert.IsType<Larkway.Feishu.Authen.InMemoryFeishuUserTokenStore>(provider.GetRequiredService<Larkway.Feishu.Authen.IFeishuUserTokenStore>());
        Assert.Same(provider.GetRequiredService<Larkway.Feishu.Authen.FeishuUserTokenProvider>(), provider.GetRequiredService<Larkway.Feishu.Authen.FeishuUserTokenProvider>());

        var services = new ServiceCollection();
        var own = new Larkway.Feishu.Authen.InMemoryFeishuUserTokenStore();
        services.AddSingleton<Larkway.Feishu.Authen.IFeishuUserTokenStore>(own);
        services.AddFeishu(o => (o.AppId, o.AppSecret) = ("cli_x", "s"));
        using var hosted = services.BuildServiceProvider();
        Assert.Same(own, hosted.GetRequiredService<Larkway.Feishu.Authen.IFeishuUserTokenStore>());
    }

    private static ServiceProvider Build(
        Dictionary<string, string?> settings, Action<FeishuBuilder>? apps = null, Action<FeishuAppOptions>? configureDefault = null, Dictionary<string, string?>? environment = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(new FeishuEnvironment(name => environment?.GetValueOrDefault(name)));
        var builder = services.AddFeishu(configureDefault);
        apps?.Invoke(builder);
        return services.BuildServiceProvider();
    }
}
