using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Larkway.Integration.Tests.Hub.Identity;

/// <summary>
/// The broker attacked over the wire (issue 28): the Feishu leg bound to the browser that started it, forged callbacks
/// answered 4xx, discovery's issuer not taken from a Host header into a shared cache, dynamic registration's token and
/// URI rules, redirect and post-logout URIs compared exactly, prompt=none without a page, and a person the directory
/// deactivates losing tokens and session at once.
/// </summary>
public sealed class HubSignInAttackTests
{
    private const string RedirectUri = "https://wiki.example.com/signin-oidc";

    [Fact]
    public async Task A_Feishu_callback_replayed_in_another_browser_signs_nobody_in_there()
    {
        await using var hub = await HubSandbox.StartAsync();
        var app = await OidcApp.RegisterAsync(hub);
        using var victim = new SignInBrowser(hub);
        using var attacker = new SignInBrowser(hub);

        // The attacker signs in at Feishu in their own browser and hands the callback URL (their code and state) to
        // the victim's browser: login CSRF would sign the victim in as the attacker.
        var (url, pkce, _, _) = app.AuthorizeRequest();
        var callback = await attacker.FeishuCallbackAsync(await attacker.GetRedirectAsync(url));
        using (var replayed = await victim.Http.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
            Assert.Null(replayed.Headers.Location);
        }

        Assert.DoesNotContain(victim.Cookies, c => c.StartsWith("larkway_sso", StringComparison.Ordinal));
        var (victimUrl, _, _, _) = app.AuthorizeRequest();
        Assert.Equal("/oidc/sign-in", (await victim.GetRedirectAsync(victimUrl)).AbsolutePath);

        // The completed leg (/oidc/feishu/done) replayed elsewhere does not sign in either: its result is in the
        // browser that finished the leg.
        var done = await attacker.GetRedirectAsync(callback);
        Assert.Equal("/oidc/feishu/done", done.AbsolutePath);
        using (var replayedDone = await victim.Http.GetAsync(done))
        {
            Assert.Equal(HttpStatusCode.BadRequest, replayedDone.StatusCode);
        }

        Assert.DoesNotContain(victim.Cookies, c => c.StartsWith("larkway_sso", StringComparison.Ordinal));

        // In the browser that started it, the same sign-in goes on to the app.
        var back = await attacker.ThroughBrokerAsync(done);
        Assert.Equal("wiki.example.com", back.Host);
        Assert.Equal(HttpStatusCode.OK, (await app.RedeemAsync(OidcApp.Answer(back).Code!, pkce)).Status);
    }

    [Fact]
    public async Task A_forged_Feishu_callback_or_a_code_Feishu_refuses_is_a_400_and_Feishu_down_is_a_502()
    {
        await using var hub = await HubSandbox.StartAsync();
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);

        using (var forged = await browser.Http.GetAsync("/oidc/feishu/callback?code=forged-code&state=forged-state"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.Contains("broker-error", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Where the handler sends a denial, with a return address that is no URL at all.
        using (var denied = await browser.Http.GetAsync("/oidc/feishu/denied?returnUrl=http://%5B"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        // This browser's own state, with a code Feishu never issued: Feishu refuses it, the request's fault.
        var (url, _, _, _) = app.AuthorizeRequest();
        var signInPage = await browser.GetRedirectAsync(url);
        var feishu = await browser.FeishuAuthorizePageAsync(signInPage);
        var state = QueryHelpers.ParseQuery(feishu.Query)["state"].ToString();
        using (var refused = await browser.Http.GetAsync("/oidc/feishu/callback?code=not-a-feishu-code&state=" + Uri.EscapeDataString(state)))
        {
            var page = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, page);
        }

        // Feishu's token endpoint unavailable: the Hub's upstream failed, 502.
        var again = await browser.FeishuAuthorizePageAsync(signInPage);
        var click = QueryHelpers.ParseQuery(again.Query);
        using (var arm = await hub.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/authen/v2/oauth/token", kind = "unavailable", count = 20 }))
        {
            Assert.True(arm.IsSuccessStatusCode, await arm.Content.ReadAsStringAsync());
        }

        using var allowed = await hub.Control.PostAsJsonAsync("/_emulator/authen/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = click["client_id"],
            ["redirect_uri"] = click["redirect_uri"],
            ["state"] = click["state"],
            ["code_challenge"] = click["code_challenge"],
            ["code_challenge_method"] = click["code_challenge_method"],
            ["response_type"] = "code",
            ["user"] = "alice@example.com",
            ["decision"] = "allow",
        });
        var location = JsonDocument.Parse(await allowed.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("location").GetString()!;
        using var down = await browser.Http.GetAsync(location);
        Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_issuer_discovery_follows_the_Host_header_but_is_never_cached_publicly()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Host = "evil.example";
        using var response = await http.SendAsync(request);
        var discovery = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("http://evil.example", discovery.GetProperty("issuer").GetString());
        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.False(response.Headers.CacheControl.Public);
    }

    [Fact]
    public async Task With_a_public_url_the_issuer_is_that_url_whatever_the_Host_header_and_the_code_answer_names_it()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["LARKWAY_PUBLIC_URL"] = "https://hub.example.com" });
        using var http = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Host = "evil.example";
        using var response = await http.SendAsync(request);
        var discovery = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("https://hub.example.com", discovery.GetProperty("issuer").GetString());
        Assert.Equal("https://hub.example.com/oidc/token", discovery.GetProperty("token_endpoint").GetString());
        Assert.True(response.Headers.CacheControl!.Public);

        // prompt=none without a session: login_required back to the app, with the configured issuer (RFC 9207), no page.
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);
        var (url, _, state, _) = app.AuthorizeRequest(extra: new() { ["prompt"] = "none" });
        var back = await browser.GetRedirectAsync(url);
        Assert.Equal("wiki.example.com", back.Host);
        var answer = OidcApp.Answer(back);
        Assert.Equal("login_required", answer.Error);
        Assert.Equal(state, answer.State);
        Assert.Equal("https://hub.example.com", answer.Iss);

        // Tokens carry the same issuer, and the Hub reads its own access tokens with it.
        var (signIn, pkce, _, _) = app.AuthorizeRequest();
        var (_, tokens) = await app.RedeemAsync(OidcApp.Answer(await browser.AuthorizeAsync(signIn)).Code!, pkce);
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal("https://hub.example.com", new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Issuer);
        Assert.Equal("https://hub.example.com", new JsonWebToken(access).Issuer);
        Assert.Equal(HttpStatusCode.OK, (await app.UserInfoAsync(access)).Status);
    }

    [Fact]
    public async Task Dynamic_registration_refuses_a_missing_or_wrong_token_and_a_redirect_uri_with_a_line_break()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        var metadata = new { client_name = "Wiki", redirect_uris = new[] { RedirectUri } };

        using (var missing = await http.PostAsJsonAsync("/oidc/register", metadata))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.ToString());
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "/oidc/register") { Content = JsonContent.Create(metadata) })
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey + "x");
            using var answer = await http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.Contains("error=\"invalid_token\"", answer.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using (var split = await http.PostAsJsonAsync("/oidc/register", new
        {
            client_name = "Split",
            redirect_uris = new[] { "https://wiki.example.com/cb", "https://wiki.example.com/cb2\nhttp://evil.example/cb" },
            post_logout_redirect_uris = new[] { "https://wiki.example.com/out\r\nhttp://evil.example/out" },
        }))
        {
            var text = await split.Content.ReadAsStringAsync();
            Assert.True(split.StatusCode == HttpStatusCode.BadRequest, text);
            var error = JsonDocument.Parse(text).RootElement;
            Assert.Equal("invalid_redirect_uri", error.GetProperty("error").GetString());
            Assert.Contains("redirect_uris[1]", error.GetProperty("error_description").GetString(), StringComparison.Ordinal);
            Assert.Contains("post_logout_redirect_uris[0]", error.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        }

        var clients = await http.GetFromJsonAsync<JsonElement>("/api/v1/identity/clients");
        Assert.Equal(0, clients.GetProperty("items").GetArrayLength());

        using var registered = await http.PostAsJsonAsync("/oidc/register", metadata);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
    }

    [Fact]
    public async Task With_dynamic_registration_off_the_route_is_gone_and_discovery_names_none()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Identity:DynamicRegistration"] = "false" });
        using var http = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var answer = await http.PostAsJsonAsync("/oidc/register", new { client_name = "Wiki", redirect_uris = new[] { RedirectUri } });
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        var discovery = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.False(discovery.TryGetProperty("registration_endpoint", out _));
    }

    /// <summary>Near misses of the registered URIs: case, trailing slash, userinfo, port, encoding, repeated or other parameters.</summary>
    private static readonly string[] NearMisses =
    [
        "https://WIKI.example.com/signin-oidc", "HTTPS://wiki.example.com/signin-oidc", "https://wiki.example.com/Signin-oidc",
        "https://wiki.example.com/signin-oidc/", "https://wiki.example.com/signin-oidc?", "https://user@wiki.example.com/signin-oidc",
        "https://wiki.example.com:443/signin-oidc", "https://wiki.example.com:8443/signin-oidc", "https://wiki.example.com/%73ignin-oidc",
        "https://wiki.example.com/a/b", "https://wiki.example.com/a%2fb", "https://wiki.example.com/cb?x=1&x=1",
        "https://wiki.example.com/cb?x=1&x=2", "https://wiki.example.com/cb?x=1&y=2", "https://wiki.example.com/cb?x=%31",
        "https://wiki.example.com/cb", "https://wiki.example.com/signin-oidc#", "https://wiki.example.com/signin-oidc%20",
    ];

    [Fact]
    public async Task Redirect_and_post_logout_uris_are_compared_exactly_and_a_near_miss_gets_a_page_never_a_redirect()
    {
        await using var hub = await HubSandbox.StartAsync();
        string[] registered = [RedirectUri, "https://wiki.example.com/a%2Fb", "https://wiki.example.com/cb?x=1"];
        var app = await OidcApp.RegisterAsync(hub, extra: new { redirect_uris = registered, post_logout_redirect_uris = registered });
        using var browser = new SignInBrowser(hub);
        foreach (var nearMiss in NearMisses)
        {
            await RefusedAsync(nearMiss);
        }

        // Each registered one, as registered, is taken.
        foreach (var exact in registered)
        {
            var (ok, _, _, _) = app.AuthorizeRequest(extra: new() { ["redirect_uri"] = exact, ["prompt"] = "none" });
            var back = await browser.GetRedirectAsync(ok);
            Assert.StartsWith(exact, back.OriginalString, StringComparison.Ordinal);
            Assert.Equal("login_required", OidcApp.Answer(back).Error);
            var signedOut = await browser.GetRedirectAsync($"/oidc/logout?client_id={app.ClientId}&post_logout_redirect_uri={Uri.EscapeDataString(exact)}&state=s");
            Assert.StartsWith(exact, signedOut.OriginalString, StringComparison.Ordinal);
        }

        async Task RefusedAsync(string nearMiss)
        {
            var (url, _, _, _) = app.AuthorizeRequest(extra: new() { ["redirect_uri"] = nearMiss, ["prompt"] = "none" });
            using var authorize = await browser.Http.GetAsync(url);
            var page = await authorize.Content.ReadAsStringAsync();
            Assert.True(authorize.StatusCode == HttpStatusCode.BadRequest && authorize.Headers.Location is null, $"{nearMiss}: {(int)authorize.StatusCode} {authorize.Headers.Location}");
            Assert.Contains("Redirect URI not registered", page, StringComparison.Ordinal);

            using var logout = await browser.Http.GetAsync($"/oidc/logout?client_id={app.ClientId}&post_logout_redirect_uri={Uri.EscapeDataString(nearMiss)}&state=s");
            Assert.True(logout.StatusCode == HttpStatusCode.BadRequest && logout.Headers.Location is null, $"{nearMiss} after sign-out: {(int)logout.StatusCode} {logout.Headers.Location}");
        }
    }

    [Fact]
    public async Task The_consoles_sign_in_app_forms_need_their_CSRF_token_and_show_names_and_uris_encoded()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var console = new ConsoleClient(hub.Host.BaseUrl);
        using (var signedIn = await console.SignInAsync(hub.Host.BootstrapAdminPassword!))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var fields = new Dictionary<string, string> { ["Name"] = "<script>alert(1)</script>", ["Kind"] = "confidential", ["RedirectUris"] = "https://wiki.example.com/cb?a=\"><b>x</b>" };
        using (var forged = await console.PostFormAsync("/console/sign-in-apps?handler=Register", fields, withToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/identity/clients")).GetProperty("items").GetArrayLength());

        using (var registered = await console.PostFormAsync("/console/sign-in-apps?handler=Register", fields))
        {
            Assert.True((int)registered.StatusCode < 400, await registered.Content.ReadAsStringAsync());
        }

        var clients = await admin.GetFromJsonAsync<JsonElement>("/api/v1/identity/clients");
        var id = Assert.Single(clients.GetProperty("items").EnumerateArray()).GetProperty("client_id").GetString()!;
        foreach (var page in new[] { "/console/sign-in-apps", "/console/sign-in-apps/" + id })
        {
            var html = await console.Http.GetStringAsync(page);
            Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>x</b>", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        }

        var edit = new Dictionary<string, string> { ["name"] = "Wiki", ["kind"] = "confidential", ["redirectUris"] = "https://wiki.example.com/cb", ["postLogoutRedirectUris"] = "", ["allowedPeople"] = "", ["allowedDepartments"] = "", ["requirePkce"] = "true", ["enabled"] = "true" };
        using (var forgedEdit = await console.PostFormAsync($"/console/sign-in-apps/{id}?handler=Save", edit, withToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forgedEdit.StatusCode);
        }

        using (var forgedDelete = await console.PostFormAsync($"/console/sign-in-apps/{id}?handler=Delete", new Dictionary<string, string>(), withToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forgedDelete.StatusCode);
        }

        Assert.Equal("<script>alert(1)</script>", (await admin.GetFromJsonAsync<JsonElement>("/api/v1/identity/clients/" + id)).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("resigned")] // contact.user.deleted_v3: the deletion's own write
    [InlineData("frozen")]   // contact.user.updated_v3: the users' write, as a sync page's
    public async Task A_person_the_directory_deactivates_loses_tokens_and_session_at_once(string status)
    {
        await using var hub = await HubSandbox.StartAsync();
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);
        var (url, pkce, _, _) = app.AuthorizeRequest();
        var back = await browser.AuthorizeAsync(url, "bob@example.com");
        var (_, tokens) = await app.RedeemAsync(OidcApp.Answer(back).Code!, pkce);
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await app.UserInfoAsync(access)).Status);
        var sub = JsonDocument.Parse((await app.UserInfoAsync(access)).Body).RootElement.GetProperty("sub").GetString()!;

        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        int LiveSessions() => admin.GetFromJsonAsync<JsonElement>("/api/v1/identity/sessions?person=" + sub).GetAwaiter().GetResult().GetProperty("items").GetArrayLength();
        Assert.Equal(1, LiveSessions());

        // Bob leaves (or is frozen): the Emulator changes him and pushes the contact event; the directory records it.
        var bob = hub.State.FindUser("email", "bob@example.com")!;
        using (var changed = status == "resigned"
            ? await hub.Control.DeleteAsync("/_emulator/contact/users/" + bob.UserId)
            : await hub.Control.PostAsync($"/_emulator/contact/users/{bob.UserId}/freeze", null))
        {
            Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(
            () => admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/people/" + sub).GetAwaiter().GetResult().GetProperty("status").GetString() == status,
            "the directory marks Bob " + status);

        // His session ended with the change (the same transaction), as a sign-out everywhere would: no longer listed as live.
        Assert.Equal(0, LiveSessions());

        // Not at the access token's expiry: now.
        var (info, _, challenge) = await app.UserInfoAsync(access);
        Assert.Equal(HttpStatusCode.Unauthorized, info);
        Assert.Contains("invalid_token", challenge, StringComparison.Ordinal);
        var (refreshed, refused) = await app.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, refreshed);
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());

        // The broker session (single sign-on) no longer signs him in anywhere.
        var (silent, _, _, _) = app.AuthorizeRequest(extra: new() { ["prompt"] = "none" });
        var answer = OidcApp.Answer(await browser.GetRedirectAsync(silent));
        Assert.Null(answer.Code);
        Assert.NotNull(answer.Error);
    }
}
