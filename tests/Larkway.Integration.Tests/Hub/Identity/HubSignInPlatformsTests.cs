using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

using static Larkway.Integration.Tests.Hub.DirectoryApi;

namespace Larkway.Integration.Tests.Hub.Identity;

/// <summary>
/// The Hub's sign-in through DingTalk and WeCom, beside Feishu: a company whose directory is synced from DingTalk (or WeCom)
/// signs its people in to an app with that platform's login — authorization code and PKCE between the app and the Hub, the
/// Emulator's DingTalk login page (or WeCom's web login) between the Hub and the platform — and the id_token's sub is the
/// directory person the sync made of them — in a Hub with no Feishu app at all (the apps-only mode), whose sign-in page
/// offers only the platforms it has apps for. Someone the directory does not have, a person no longer active, a state changed
/// on the way and a refusal at the platform are turned away.
/// </summary>
public sealed class HubSignInPlatformsTests
{
    private const string WeComApp = "wc-signin";

    [Fact]
    public async Task A_person_signs_in_to_an_app_with_DingTalk_and_gets_the_directory_persons_sub()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAppsOnlyAsync(emulator, DirectoryOf(HubDingTalkTests.AppName));
        using var admin = Admin(hub);
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");
        var person = await PersonByEmailAsync(admin, "alice@example.com");
        var alice = person.GetProperty("id").GetString();

        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);
        var (url, pkce, state, nonce) = app.AuthorizeRequest();
        var signIn = await browser.GetRedirectAsync(url);
        var page = await browser.Http.GetStringAsync(signIn);
        page.ShouldNotContain("id=\"feishu-sign-in\"", Case.Sensitive, "a company on DingTalk alone: the Hub has no Feishu app");
        page.ShouldContain(">Sign in with DingTalk</a>");
        page.ShouldNotContain("id=\"wecom-sign-in\"", Case.Sensitive, "this Hub has no WeCom app");

        var dingTalk = await browser.GetRedirectAsync(Link(page, "dingtalk"));
        dingTalk.AbsolutePath.ShouldBe("/dingtalk/oauth2/auth");
        var query = QueryHelpers.ParseQuery(dingTalk.Query);
        query["redirect_uri"].ToString().ShouldBe(new Uri(hub.Host.BaseUrl, "/oidc/dingtalk/done").AbsoluteUri);
        query["scope"].ToString().ShouldBe("openid corpid");
        query["prompt"].ToString().ShouldBe("consent");

        var back = await browser.GetRedirectAsync(await AtDingTalkAsync(emulator, dingTalk, "alice", "agree"));
        var answer = OidcApp.Answer(back);
        answer.State.ShouldBe(state);
        answer.Code.ShouldNotBeNull(back.ToString());
        var (status, tokens) = await app.RedeemAsync(answer.Code!, pkce);
        status.ShouldBe(HttpStatusCode.OK, tokens.ToString());
        var idToken = await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, nonce);
        idToken.Subject.ShouldBe(alice);

        // The claims are the directory person's (the email claim is their enterprise email, as for a Feishu sign-in).
        idToken.GetPayloadValue<string>("email").ShouldBe(person.GetProperty("enterprise_email").GetString());
        idToken.GetPayloadValue<string>("name").ShouldBe("Alice Chen");

        // PKCE and the one-time code are the provider's, whichever platform signed the person in.
        var (again, reused) = await app.RedeemAsync(answer.Code!, pkce);
        again.ShouldBe(HttpStatusCode.BadRequest);
        reused.GetProperty("error").GetString().ShouldBe("invalid_grant");
    }

    [Fact]
    public async Task A_person_of_a_Feishu_directory_whose_DingTalk_account_is_linked_gets_the_same_sub_signing_in_with_either()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        var app = await OidcApp.RegisterAsync(hub);

        // With Feishu: the Feishu sign-in records Alice in the directory.
        string feishuSub;
        using (var browser = new SignInBrowser(hub))
        {
            var (url, pkce, _, nonce) = app.AuthorizeRequest();
            var (status, tokens) = await app.RedeemAsync(OidcApp.Answer(await browser.AuthorizeAsync(url)).Code!, pkce);
            status.ShouldBe(HttpStatusCode.OK, tokens.ToString());
            feishuSub = (await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, nonce)).Subject;
        }

        // Her DingTalk account, linked to no one yet, is no person of this directory (it reads Feishu): refused.
        var (unlinkedStatus, unlinked) = await DingTalkDoneAsync(hub, emulator, app, "alice", "agree");
        unlinkedStatus.ShouldBe(HttpStatusCode.Forbidden, unlinked);
        unlinked.ShouldContain("Not in the directory");

        // An administrator links her DingTalk account (userid alice) to that person.
        using (var linked = await admin.PutAsJsonAsync($"/api/v1/directory/people/{feishuSub}/links/dingtalk/{HubDingTalkTests.AppName}", new { user_id = "alice" }))
        {
            linked.StatusCode.ShouldBe(HttpStatusCode.OK, await linked.Content.ReadAsStringAsync());
        }

        using (var browser = new SignInBrowser(hub))
        {
            var (url, pkce, _, nonce) = app.AuthorizeRequest();
            var page = await browser.Http.GetStringAsync(await browser.GetRedirectAsync(url));
            var dingTalk = await browser.GetRedirectAsync(Link(page, "dingtalk"));
            var answer = OidcApp.Answer(await browser.GetRedirectAsync(await AtDingTalkAsync(emulator, dingTalk, "alice", "agree")));
            answer.Code.ShouldNotBeNull();
            var (status, tokens) = await app.RedeemAsync(answer.Code!, pkce);
            status.ShouldBe(HttpStatusCode.OK, tokens.ToString());
            (await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, nonce)).Subject.ShouldBe(feishuSub);
        }
    }

    [Fact]
    public async Task DingTalk_sign_in_adds_a_person_the_sync_has_not_reached_and_refuses_an_inactive_one_a_changed_state_and_a_cancel()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", DirectoryOf(HubDingTalkTests.AppName));
        using var admin = Admin(hub);
        await HubDingTalkTests.AddAppAsync(admin, emulator);
        var app = await OidcApp.RegisterAsync(hub);

        // Not synced yet: DingTalk knows Alice, the directory does not — it reads her from the directory app's contacts then.
        string? aliceId;
        using (var browser = new SignInBrowser(hub))
        {
            var (url, pkce, _, nonce) = app.AuthorizeRequest();
            var answer = OidcApp.Answer(await browser.GetRedirectAsync(await AtDingTalkAsync(emulator, await PressAsync(browser, url, "dingtalk"), "alice", "agree")));
            var (status, tokens) = await app.RedeemAsync(answer.Code ?? throw new ShouldAssertException($"no code: {answer.Error}"), pkce);
            status.ShouldBe(HttpStatusCode.OK, tokens.ToString());
            var added = await PersonByEmailAsync(admin, "alice@example.com");
            aliceId = added.GetProperty("id").GetString();
            (await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, nonce)).Subject.ShouldBe(aliceId);
            added.GetProperty("name").GetString().ShouldBe("Alice Chen");
        }

        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");
        (await PersonByEmailAsync(admin, "alice@example.com")).GetProperty("id").GetString().ShouldBe(aliceId, "the sync found the person the sign-in added, not a second one");

        // A state changed on the way back is no sign-in this browser started.
        using (var browser = new SignInBrowser(hub))
        {
            var signIn = await browser.GetRedirectAsync(app.AuthorizeRequest().Url);
            var dingTalk = await browser.GetRedirectAsync(Link(await browser.Http.GetStringAsync(signIn), "dingtalk"));
            var callback = await AtDingTalkAsync(emulator, dingTalk, "bob", "agree");
            var tampered = callback.AbsoluteUri.Replace("state=", "state=x", StringComparison.Ordinal);
            using var refused = await browser.Http.GetAsync(tampered);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("Sign-in expired");

            // Nor does the real callback count twice: the first answer spent the browser's state.
            using var replayed = await browser.Http.GetAsync(callback);
            replayed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        // Carol leaves (the directory marks her resigned): DingTalk still signs her in, the Hub does not.
        var carol = (await PersonByEmailAsync(admin, "carol@example.com")).GetProperty("id").GetString();
        await using (var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            await db.People.Where(p => p.Id == carol).ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PersonStatus.Resigned));
        }

        var (inactiveStatus, inactive) = await DingTalkDoneAsync(hub, emulator, app, "carol", "agree");
        inactiveStatus.ShouldBe(HttpStatusCode.Forbidden, inactive);
        inactive.ShouldContain("Account not active");

        // Cancel at DingTalk: the app hears access_denied with its state.
        using (var browser = new SignInBrowser(hub))
        {
            var (url, _, state, _) = app.AuthorizeRequest();
            var dingTalk = await PressAsync(browser, url, "dingtalk");
            var denied = OidcApp.Answer(await browser.GetRedirectAsync(await AtDingTalkAsync(emulator, dingTalk, "alice", "cancel")));
            denied.Error.ShouldBe("access_denied");
            denied.State.ShouldBe(state);
        }
    }

    [Fact]
    public async Task A_person_signs_in_to_an_app_with_WeCom_and_gets_the_directory_persons_sub_and_a_refusal_goes_back_as_access_denied()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAppsOnlyAsync(emulator, DirectoryOf(WeComApp));
        using var admin = Admin(hub);
        await HubWeComDirectoryTests.AddAppAsync(admin, emulator, WeComApp);
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");
        var bob = (await PersonByEmailAsync(admin, "bob@example.com")).GetProperty("id").GetString();

        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);
        var (url, pkce, state, nonce) = app.AuthorizeRequest();
        var page = await browser.Http.GetStringAsync(await browser.GetRedirectAsync(url));
        page.ShouldNotContain("id=\"feishu-sign-in\"", Case.Sensitive, "a company on WeCom alone: the Hub has no Feishu app");
        page.ShouldContain(">Sign in with WeCom</a>");

        var weCom = await browser.GetRedirectAsync(Link(page, "wecom"));
        weCom.AbsolutePath.ShouldBe("/wecom/wwlogin/sso/login");
        var query = QueryHelpers.ParseQuery(weCom.Query);
        query["login_type"].ToString().ShouldBe("CorpApp");
        query["appid"].ToString().ShouldBe(EmulatorOptions.DefaultWeComCorpId);
        query["agentid"].ToString().ShouldBe("1000002");
        query["redirect_uri"].ToString().ShouldBe(new Uri(hub.Host.BaseUrl, "/oidc/wecom/done").AbsoluteUri);

        var back = await browser.GetRedirectAsync(await AtWeComAsync(emulator, weCom, "bob", "confirm"));
        var answer = OidcApp.Answer(back);
        answer.State.ShouldBe(state);
        var (status, tokens) = await app.RedeemAsync(answer.Code!, pkce);
        status.ShouldBe(HttpStatusCode.OK, tokens.ToString());
        var idToken = await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, nonce);
        idToken.Subject.ShouldBe(bob);
        idToken.GetPayloadValue<string>("email").ShouldBe("bob@example.com");

        // A refusal at WeCom (state, no code) reaches the app as access_denied.
        using var other = new SignInBrowser(hub);
        var (url2, _, state2, _) = app.AuthorizeRequest();
        var weCom2 = await PressAsync(other, url2, "wecom");
        var denied = OidcApp.Answer(await other.GetRedirectAsync(await AtWeComAsync(emulator, weCom2, "bob", "refuse")));
        denied.Error.ShouldBe("access_denied");
        denied.State.ShouldBe(state2);
    }

    [Fact]
    public async Task Inside_WeComs_own_browser_the_WeCom_button_uses_web_authorization_and_signs_the_member_in_without_a_QR_code()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAppsOnlyAsync(emulator, DirectoryOf(WeComApp));
        using var admin = Admin(hub);
        await HubWeComDirectoryTests.AddAppAsync(admin, emulator, WeComApp);
        (await SyncAsync(admin)).GetProperty("status").GetString().ShouldBe("completed");
        var carol = (await PersonByEmailAsync(admin, "carol@example.com")).GetProperty("id").GetString();

        // A workbench app opened in WeCom on a phone: its browser says so in its user agent.
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);
        browser.Http.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.26 MicroMessenger/7.0.1 Language/en");
        var (url, pkce, state, nonce) = app.AuthorizeRequest();
        var weCom = await PressAsync(browser, url, "wecom");
        weCom.AbsolutePath.ShouldBe("/wecom/connect/oauth2/authorize");
        weCom.Fragment.ShouldBe("#wechat_redirect");
        var query = QueryHelpers.ParseQuery(weCom.Query);
        query["appid"].ToString().ShouldBe(EmulatorOptions.DefaultWeComCorpId);
        query["response_type"].ToString().ShouldBe("code");
        query["scope"].ToString().ShouldBe("snsapi_base");
        query["agentid"].ToString().ShouldBe("1000002");
        query["redirect_uri"].ToString().ShouldBe(new Uri(hub.Host.BaseUrl, "/oidc/wecom/done").AbsoluteUri);

        var answer = OidcApp.Answer(await browser.GetRedirectAsync(await AtWeComAsync(emulator, weCom, "carol", "confirm")));
        answer.State.ShouldBe(state);
        var (status, tokens) = await app.RedeemAsync(answer.Code!, pkce);
        status.ShouldBe(HttpStatusCode.OK, tokens.ToString());
        (await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, nonce)).Subject.ShouldBe(carol);

        // Any other browser gets WeCom's web login (a QR code to scan).
        using var desk = new SignInBrowser(hub);
        (await PressAsync(desk, app.AuthorizeRequest().Url, "wecom")).AbsolutePath.ShouldBe("/wecom/wwlogin/sso/login");
    }

    [Fact]
    public async Task WeCom_sign_in_refuses_a_code_whose_state_was_changed()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", DirectoryOf(WeComApp));
        using var admin = Admin(hub);
        await HubWeComDirectoryTests.AddAppAsync(admin, emulator, WeComApp);
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);

        var weCom = await PressAsync(browser, app.AuthorizeRequest().Url, "wecom");
        var callback = await AtWeComAsync(emulator, weCom, "alice", "confirm");
        using var refused = await browser.Http.GetAsync(callback.AbsoluteUri.Replace("state=", "state=0", StringComparison.Ordinal));

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Sign-in expired");
    }

    private static Dictionary<string, string?> DirectoryOf(string app) => new()
    {
        ["Larkway:Directory:App"] = app,
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:Directory:PollInterval"] = "00:00:00.200",
    };

    /// <summary>One sign-in through DingTalk as <paramref name="user"/> in a fresh browser: the status and page of /oidc/dingtalk/done.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> DingTalkDoneAsync(HubSandbox hub, EmulatorServer emulator, OidcApp app, string user, string decision)
    {
        using var browser = new SignInBrowser(hub);
        var dingTalk = await PressAsync(browser, app.AuthorizeRequest().Url, "dingtalk");
        using var done = await browser.Http.GetAsync(await AtDingTalkAsync(emulator, dingTalk, user, decision));
        return (done.StatusCode, await done.Content.ReadAsStringAsync());
    }

    /// <summary>Opens the app's authorization request and presses the sign-in page's button of <paramref name="platform"/>: the platform's login page.</summary>
    internal static async Task<Uri> PressAsync(SignInBrowser browser, string authorizeUrl, string platform) =>
        await browser.GetRedirectAsync(Link(await browser.Http.GetStringAsync(await browser.GetRedirectAsync(authorizeUrl)), platform));

    /// <summary>The person's choice on the Emulator's DingTalk login page: where DingTalk sends the browser back.</summary>
    internal static async Task<Uri> AtDingTalkAsync(EmulatorServer emulator, Uri loginPage, string user, string decision)
    {
        var form = QueryHelpers.ParseQuery(loginPage.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        form["user"] = user;
        form["decision"] = decision;
        return await PostFormAsync(emulator, loginPage.AbsolutePath, form);
    }

    /// <summary>The person's choice on the Emulator's WeCom web login: where WeCom sends the browser back.</summary>
    internal static async Task<Uri> AtWeComAsync(EmulatorServer emulator, Uri loginPage, string userId, string action)
    {
        using (var http = new HttpClient { BaseAddress = emulator.BaseUrl })
        {
            // The page offers the member to pick.
            (await http.GetStringAsync(loginPage.PathAndQuery)).ShouldContain($"value=\"{userId}\"");
        }

        var form = QueryHelpers.ParseQuery(loginPage.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        form["userid"] = userId;
        form["action"] = action;
        return await PostFormAsync(emulator, loginPage.AbsolutePath, form);
    }

    private static async Task<Uri> PostFormAsync(EmulatorServer emulator, string path, Dictionary<string, string> form)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = emulator.BaseUrl };
        using var posted = await http.PostAsync(path, new FormUrlEncodedContent(form));
        posted.StatusCode.ShouldBe(HttpStatusCode.Redirect, await posted.Content.ReadAsStringAsync());
        return posted.Headers.Location!;
    }

    private static string Link(string page, string platform)
    {
        var match = Regex.Match(page, $"id=\"{platform}-sign-in\" href=\"([^\"]+)\"");
        match.Success.ShouldBeTrue($"the sign-in page has a {platform} button:\n{page}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static HttpClient Admin(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }
}
