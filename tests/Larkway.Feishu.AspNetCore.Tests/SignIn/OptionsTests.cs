using System.Net;
using Larkway.Feishu.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using static Larkway.Feishu.AspNetCore.Tests.SignIn.ChallengeTests;

namespace Larkway.Feishu.AspNetCore.Tests.SignIn;

/// <summary>Which app signs users in, and the options checked when the host starts.</summary>
public sealed class OptionsTests
{
    private const string DefaultAppId = "cli_default0000000001";
    private const string DefaultSecret = "default-app-secret-0000000000001";
    private const string OpsAppId = "cli_ops00000000000002";
    private const string OpsSecret = "ops-app-secret-000000000000000002";

    [Fact]
    public async Task Without_a_client_id_the_default_app_of_AddFeishu_signs_users_in_through_its_own_client()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(_ => { }, services => AddApps(services, feishu, lark: true));

        var (authorize, callback) = await app.SignInAsync();

        authorize.GetLeftPart(UriPartial.Path).ShouldBe("https://accounts.larksuite.com/open-apis/authen/v1/authorize");
        SignInApp.Query(authorize, "client_id").ShouldBe(DefaultAppId);
        callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var exchange = feishu.To("/open-apis/authen/v2/oauth/token").ShouldHaveSingleItem();
        exchange.Host.ShouldBe("open.larksuite.com");
        exchange.Json.GetProperty("client_secret").GetString().ShouldBe(DefaultSecret);
    }

    [Fact]
    public async Task App_name_picks_an_app_added_with_AddApp_and_its_users_tokens_serve_its_token_provider()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(o => { o.AppName = "ops"; o.StoreUserTokens = true; }, services => AddApps(services, feishu));

        var (authorize, callback) = await app.SignInAsync();

        SignInApp.Query(authorize, "client_id").ShouldBe(OpsAppId);
        callback.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        feishu.To("/open-apis/authen/v2/oauth/token").ShouldHaveSingleItem().Json.GetProperty("client_id").GetString().ShouldBe(OpsAppId);
        var ops = app.Services.GetRequiredService<IFeishuClientFactory>().GetClient("ops");
        var tokens = new Larkway.Feishu.Authen.FeishuUserTokenProvider(ops, app.Services.GetRequiredService<Larkway.Feishu.Authen.IFeishuUserTokenStore>());
        (await tokens.GetAccessTokenAsync("ou_alice")).ShouldBe(FakeFeishu.AccessToken);
    }

    [Fact]
    public async Task Two_schemes_sign_in_to_two_apps()
    {
        var feishu = new FakeFeishu();
        await using var app = await SignInApp.StartAsync(o => o.AppName = "ops", services =>
        {
            AddApps(services, feishu);
            services.AddAuthentication().AddFeishu("FeishuDefault", "Feishu (default app)", _ => { });
        });

        SignInApp.Query(await app.ChallengeAsync(), "client_id").ShouldBe(OpsAppId);
        var schemes = await app.Services.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>().GetRequestHandlerSchemesAsync();
        schemes.Select(s => s.Name).ShouldBe(["FeishuDefault", "Feishu"], ignoreOrder: true);
        schemes.Single(s => s.Name == "FeishuDefault").DisplayName.ShouldBe("Feishu (default app)");
    }

    public static TheoryData<string, string> Misconfigurations => new()
    {
        { "id-only", "set ClientId and ClientSecret together" },
        { "secret-only", "set ClientId and ClientSecret together" },
        { "id-and-app-name", "ClientId and AppName ('ops') both name an app" },
        { "base-url-without-id", "BaseUrl is for an app given by ClientId and ClientSecret" },
        { "relative-base-url", "is not an absolute http(s) URL" },
        { "ftp-base-url", "is not an absolute http(s) URL" },
        { "token-endpoint", "TokenEndpoint is not used" },
        { "authorization-endpoint", "AuthorizationEndpoint is not used" },
        { "scope-with-space", "'contact:contact offline_access' is not a scope" },
        { "blank-scope", "' ' is not a scope" },
        { "51-scopes", "at most 50 scopes in one authorize request; 51 would be sent" },
        { "50-scopes-and-offline-access", "at most 50 scopes in one authorize request; 51 would be sent" },
        { "no-callback-path", "set CallbackPath" },
        { "own-state-parameter", "AdditionalAuthorizationParameters cannot set 'state'" },
        { "no-AddFeishu", "uses the default app of services.AddFeishu(): call services.AddFeishu(…), or set ClientId and ClientSecret" },
        { "unregistered-app-name", "uses app 'ledger', which is not registered: call services.AddFeishu().AddApp(\"ledger\", o => …)" },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task A_misconfiguration_stops_the_host_at_start_saying_what_to_set(string configuration, string message)
    {
        var feishu = new FakeFeishu();
        Action<FeishuAuthenticationOptions> configure = configuration switch
        {
            "id-only" => o => o.ClientId = AppId,
            "secret-only" => o => o.ClientSecret = AppSecret,
            "id-and-app-name" => OwnApp(feishu, o => o.AppName = "ops"),
            "base-url-without-id" => o => o.BaseUrl = FeishuBaseUrls.Lark,
            "relative-base-url" => OwnApp(feishu, o => o.BaseUrl = new Uri("/emulator", UriKind.Relative)),
            "ftp-base-url" => OwnApp(feishu, o => o.BaseUrl = new Uri("ftp://open.feishu.cn")),
            "token-endpoint" => OwnApp(feishu, o => o.TokenEndpoint = "https://open.feishu.cn/open-apis/authen/v2/oauth/token"),
            "authorization-endpoint" => OwnApp(feishu, o => o.AuthorizationEndpoint = "https://accounts.feishu.cn/open-apis/authen/v1/authorize"),
            "scope-with-space" => OwnApp(feishu, o => o.Scope.Add("contact:contact offline_access")),
            "blank-scope" => OwnApp(feishu, o => o.Scope.Add(" ")),
            "51-scopes" => OwnApp(feishu, o => Scopes(o, 51)),
            "50-scopes-and-offline-access" => OwnApp(feishu, o => { Scopes(o, 50); o.SaveTokens = true; }),
            "no-callback-path" => OwnApp(feishu, o => o.CallbackPath = default),
            "own-state-parameter" => OwnApp(feishu, o => o.AdditionalAuthorizationParameters["state"] = "mine"),
            "no-AddFeishu" => _ => { },
            "unregistered-app-name" => o => o.AppName = "ledger",
            _ => throw new ArgumentOutOfRangeException(nameof(configuration)),
        };
        Action<IServiceCollection>? services = configuration == "unregistered-app-name" ? s => AddApps(s, feishu) : null;

        var error = await Should.ThrowAsync<Exception>(() => SignInApp.StartAsync(configure, services));

        var messages = error is AggregateException all ? string.Join(" | ", all.InnerExceptions.Select(e => e.Message)) : error.Message;
        messages.ShouldContain(message);
        feishu.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Fifty_scopes_are_allowed()
    {
        await using var app = await SignInApp.StartAsync(OwnApp(new FakeFeishu(), o => Scopes(o, 50)));

        SignInApp.Query(await app.ChallengeAsync(), "scope")!.Split(' ').Length.ShouldBe(50);
    }

    private static void Scopes(FeishuAuthenticationOptions options, int count)
    {
        for (var i = 0; i < count; i++)
        {
            options.Scope.Add($"scope:{i}:read");
        }
    }

    private static void AddApps(IServiceCollection services, FakeFeishu feishu, bool lark = false)
    {
        services.AddFeishu(o =>
        {
            o.AppId = DefaultAppId;
            o.AppSecret = DefaultSecret;
            o.BaseUrl = lark ? FeishuBaseUrls.Lark : FeishuBaseUrls.Feishu;
        }).AddApp("ops", o =>
        {
            o.AppId = OpsAppId;
            o.AppSecret = OpsSecret;
        });
        foreach (var name in new[] { string.Empty, "ops" })
        {
            services.AddHttpClient(FeishuBuilder.HttpClientName(name)).ConfigurePrimaryHttpMessageHandler(() => feishu);
        }
    }
}
