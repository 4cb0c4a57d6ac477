using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Identity;

/// <summary>
/// The Hub as an OpenID Connect provider against the Emulator playing Feishu: an app sends a person to the Hub, the
/// Hub sends them to Feishu, and the app gets a code, tokens, the person's claims and refreshes — with single sign-on
/// across apps, sign-out from every app, refresh refused once the person is inactive, and sub kept across a user_id
/// renamed and reused.
/// </summary>
public sealed class HubSignInTests
{
    [Fact]
    public async Task An_app_signs_a_person_in_through_Feishu_and_gets_tokens_claims_and_a_rotating_refresh_token()
    {
        await using var hub = await HubSandbox.StartAsync();
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);
        var (url, pkce, state, nonce) = app.AuthorizeRequest();

        var back = await browser.AuthorizeAsync(url);
        var answer = OidcApp.Answer(back);
        Assert.Equal("wiki.example.com", back.Host);
        Assert.NotNull(answer.Code);
        Assert.Equal(state, answer.State);
        Assert.Equal(app.Issuer.GetLeftPart(UriPartial.Authority), answer.Iss);

        var (status, tokens) = await app.RedeemAsync(answer.Code!, pkce);
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        var idToken = await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, nonce);
        var alice = hub.State.FindUser("email", "alice@example.com")!;
        var person = await hub.Host.Services.GetRequiredService<PeopleStore>().FindByOpenIdAsync("", alice.OpenId);
        Assert.NotNull(person);
        Assert.Equal(person.Id, idToken.Subject);
        Assert.StartsWith("per_", idToken.Subject, StringComparison.Ordinal);
        Assert.Equal(alice.Name, idToken.GetPayloadValue<string>("name"));
        Assert.Equal("alice@example.com", idToken.GetPayloadValue<string>("email"));
        Assert.False(idToken.GetPayloadValue<bool>("email_verified"), "no verified domain is configured");
        Assert.Contains("fed", idToken.GetPayloadValue<string[]>("amr"));
        Assert.True(idToken.TryGetPayloadValue<long>("auth_time", out _));

        var (infoStatus, info, _) = await app.UserInfoAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.True(infoStatus == HttpStatusCode.OK, info);
        using (var claims = JsonDocument.Parse(info))
        {
            Assert.Equal(person.Id, claims.RootElement.GetProperty("sub").GetString());
            Assert.Equal(alice.Name, claims.RootElement.GetProperty("name").GetString());
        }

        // Refresh rotates: the new token works, the old one presented again revokes the family.
        var first = tokens.GetProperty("refresh_token").GetString()!;
        var (refreshed, next) = await app.RefreshAsync(first);
        Assert.True(refreshed == HttpStatusCode.OK, next.ToString());
        var second = next.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal(person.Id, (await app.ValidateIdTokenAsync(next.GetProperty("id_token").GetString()!, nonce: null)).Subject);

        var (replayed, replay) = await app.RefreshAsync(first);
        Assert.Equal(HttpStatusCode.BadRequest, replayed);
        Assert.Equal("invalid_grant", replay.GetProperty("error").GetString());
        var (afterReuse, revoked) = await app.RefreshAsync(second);
        Assert.Equal(HttpStatusCode.BadRequest, afterReuse);
        Assert.Equal("invalid_grant", revoked.GetProperty("error").GetString());
        var (afterReuseInfo, _, challenge) = await app.UserInfoAsync(next.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReuseInfo);
        Assert.Contains("invalid_token", challenge, StringComparison.Ordinal);

        // The code was single-use.
        var (again, reused) = await app.RedeemAsync(answer.Code!, pkce);
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Equal("invalid_grant", reused.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_second_app_signs_in_without_Feishu_and_signing_out_of_one_signs_out_of_every_app()
    {
        await using var hub = await HubSandbox.StartAsync();
        var wiki = await OidcApp.RegisterAsync(hub);
        var expenses = await OidcApp.RegisterAsync(hub, "Expenses", redirectUri: "https://expenses.example.com/signin-oidc");
        using var browser = new SignInBrowser(hub);

        var (wikiUrl, wikiPkce, _, _) = wiki.AuthorizeRequest();
        var wikiCode = OidcApp.Answer(await browser.AuthorizeAsync(wikiUrl)).Code!;
        var (_, wikiTokens) = await wiki.RedeemAsync(wikiCode, wikiPkce);

        // Single sign-on: the broker's session answers at once, no Feishu page.
        var (expensesUrl, expensesPkce, expensesState, _) = expenses.AuthorizeRequest();
        var direct = await browser.GetRedirectAsync(expensesUrl);
        Assert.Equal("expenses.example.com", direct.Host);
        Assert.Equal(expensesState, OidcApp.Answer(direct).State);
        var (_, expensesTokens) = await expenses.RedeemAsync(OidcApp.Answer(direct).Code!, expensesPkce);
        Assert.Equal(
            (await wiki.ValidateIdTokenAsync(wikiTokens.GetProperty("id_token").GetString()!, null)).Subject,
            (await expenses.ValidateIdTokenAsync(expensesTokens.GetProperty("id_token").GetString()!, null)).Subject);

        // RP-initiated logout from the wiki, with its id_token and registered post-logout address.
        var logout = $"/oidc/logout?id_token_hint={wikiTokens.GetProperty("id_token").GetString()}&post_logout_redirect_uri={Uri.EscapeDataString("https://wiki.example.com/signed-out")}&state=bye";
        var after = await browser.GetRedirectAsync(logout);
        Assert.Equal("https://wiki.example.com/signed-out?state=bye", after.AbsoluteUri);

        // Every app's refresh tokens and access tokens are dead, and the next authorize needs Feishu again.
        Assert.Equal("invalid_grant", (await wiki.RefreshAsync(wikiTokens.GetProperty("refresh_token").GetString()!)).Body.GetProperty("error").GetString());
        Assert.Equal("invalid_grant", (await expenses.RefreshAsync(expensesTokens.GetProperty("refresh_token").GetString()!)).Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await expenses.UserInfoAsync(expensesTokens.GetProperty("access_token").GetString()!)).Status);
        var (againUrl, _, _, _) = expenses.AuthorizeRequest();
        Assert.Equal("/oidc/sign-in", (await browser.GetRedirectAsync(againUrl)).AbsolutePath);
    }

    [Fact]
    public async Task A_person_no_longer_active_in_the_directory_loses_the_app_at_the_next_refresh()
    {
        await using var hub = await HubSandbox.StartAsync();
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);
        var (url, pkce, _, _) = app.AuthorizeRequest();
        var (_, tokens) = await app.RedeemAsync(OidcApp.Answer(await browser.AuthorizeAsync(url, "bob@example.com")).Code!, pkce);
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        var (ok, rotated) = await app.RefreshAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, ok);

        // Bob is deactivated in Feishu (the Emulator); the directory records it on the person (as its sync does from the contact event).
        var bob = hub.State.FindUser("email", "bob@example.com")!;
        hub.State.AddUser(bob with { IsFrozen = true });
        var person = await hub.Host.Services.GetRequiredService<PeopleStore>().FindByOpenIdAsync("", bob.OpenId);
        var contexts = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.People.Where(p => p.Id == person!.Id).ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PersonStatus.Frozen));
        }

        var (refused, error) = await app.RefreshAsync(rotated.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.UserInfoAsync(rotated.GetProperty("access_token").GetString()!)).Status);
    }

    [Fact]
    public async Task A_renamed_user_id_keeps_sub_and_a_new_hire_given_the_old_user_id_gets_another()
    {
        await using var hub = await HubSandbox.StartAsync();
        var app = await OidcApp.RegisterAsync(hub);

        async Task<string> SubOfAsync(string user)
        {
            using var browser = new SignInBrowser(hub);
            var (url, pkce, _, _) = app.AuthorizeRequest();
            var (status, tokens) = await app.RedeemAsync(OidcApp.Answer(await browser.AuthorizeAsync(url, user)).Code!, pkce);
            Assert.True(status == HttpStatusCode.OK, tokens.ToString());
            return (await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, null)).Subject;
        }

        var alice = hub.State.FindUser("email", "alice@example.com")!;
        var before = await SubOfAsync("alice@example.com");

        // An administrator renames Alice's user_id and hands her old one to a new hire.
        hub.State.AddUser(alice with { UserId = alice.UserId + "-renamed" });
        hub.State.AddUser(new Larkway.Emulator.State.EmulatorUser("ou_newhire0000000000000000000001", "on_newhire000000000000000000001", alice.UserId, "New Hire", "newhire@example.com", alice.DepartmentIds));

        Assert.Equal(before, await SubOfAsync("alice@example.com"));
        var newHire = await SubOfAsync("newhire@example.com");
        Assert.NotEqual(before, newHire);
    }

    [Fact]
    public async Task Feishu_QR_login_on_the_Emulators_QR_page_signs_the_person_in_with_amr_qr()
    {
        await using var hub = await HubSandbox.StartAsync();
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);
        var (url, pkce, state, _) = app.AuthorizeRequest();
        var signIn = await browser.GetRedirectAsync(url);
        var html = await browser.Http.GetStringAsync(signIn);
        var qrLink = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "id=\"feishu-qr\" href=\"([^\"]+)\"").Groups[1].Value);
        qrLink.ShouldContain("via=qr");

        // The Emulator's QR page (the QR SDK's goto), scanned and confirmed on a phone, then the page goes on by itself.
        var qrPage = await browser.GetRedirectAsync(qrLink);
        qrPage.AbsolutePath.ShouldBe("/suite/passport/oauth/authorize");
        var page = await browser.Http.GetStringAsync(qrPage);
        var qrId = System.Text.RegularExpressions.Regex.Match(page, "data-qr-session=\"([^\"]+)\"").Groups[1].Value;
        using (var scan = await hub.Control.PostAsJsonAsync($"/_emulator/authen/qr-logins/{qrId}/scan", new { user = "alice@example.com", confirm = true }))
        {
            scan.EnsureSuccessStatusCode();
        }

        var withTmpCode = await browser.GetRedirectAsync(qrPage + "&qr_session=" + Uri.EscapeDataString(qrId));
        var callback = await browser.GetRedirectAsync(withTmpCode);
        callback.AbsolutePath.ShouldBe("/oidc/feishu/callback");
        var back = await browser.ThroughBrokerAsync(callback);
        var answer = OidcApp.Answer(back);
        answer.State.ShouldBe(state);

        var (status, tokens) = await app.RedeemAsync(answer.Code!, pkce);
        status.ShouldBe(HttpStatusCode.OK);
        var idToken = await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, null);
        idToken.GetPayloadValue<string[]>("amr").ShouldBe(["fed", "qr"]);
    }

    [Fact]
    public async Task Errors_are_the_ones_the_RFCs_name()
    {
        await using var hub = await HubSandbox.StartAsync();
        var app = await OidcApp.RegisterAsync(hub);
        using var browser = new SignInBrowser(hub);

        // An unregistered redirect URI is shown, never followed.
        var bad = app.AuthorizeRequest().Url.Replace(Uri.EscapeDataString(app.RedirectUri), Uri.EscapeDataString("https://evil.example.com/cb"), StringComparison.Ordinal);
        using (var page = await browser.Http.GetAsync(bad))
        {
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
            Assert.Contains("not one of its registered redirect URIs", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Everything else goes back to the app with error, state and iss.
        var (noPkce, _, state, _) = app.AuthorizeRequest(extra: new() { ["code_challenge"] = null, ["code_challenge_method"] = null });
        var refused = OidcApp.Answer(await browser.GetRedirectAsync(noPkce));
        Assert.Equal(("invalid_request", state), (refused.Error, refused.State));
        Assert.Equal("invalid_scope", OidcApp.Answer(await browser.GetRedirectAsync(app.AuthorizeRequest(scope: "openid payroll").Url)).Error);
        Assert.Equal("unsupported_response_type", OidcApp.Answer(await browser.GetRedirectAsync(app.AuthorizeRequest(extra: new() { ["response_type"] = "token" }).Url)).Error);
        Assert.Equal("login_required", OidcApp.Answer(await browser.GetRedirectAsync(app.AuthorizeRequest(extra: new() { ["prompt"] = "none" }).Url)).Error);

        // Denied at Feishu: access_denied back to the app.
        var (url, _, denyState, _) = app.AuthorizeRequest();
        var denied = OidcApp.Answer(await browser.AuthorizeAsync(url, decision: "deny"));
        Assert.Equal(("access_denied", denyState), (denied.Error, denied.State));

        // The token endpoint: a wrong secret is invalid_client (401), an unknown grant type unsupported_grant_type.
        var impostor = new OidcApp(hub, app.ClientId, "lkcs_wrong", app.RedirectUri);
        var (status, body) = await impostor.TokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = "x", ["redirect_uri"] = app.RedirectUri });
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, body.GetProperty("error").GetString()));
        (status, body) = await app.TokenAsync(new() { ["grant_type"] = "password", ["username"] = "a", ["password"] = "b" });
        Assert.Equal((HttpStatusCode.BadRequest, "unsupported_grant_type"), (status, body.GetProperty("error").GetString()));

        // A wrong PKCE verifier and a wrong redirect URI are invalid_grant, and leave the code usable for the real app.
        var (good, pkce, _, _) = app.AuthorizeRequest();
        var code = OidcApp.Answer(await browser.AuthorizeAsync(good)).Code!;
        Assert.Equal("invalid_grant", (await app.RedeemAsync(code, Larkway.Feishu.Authen.Pkce.Create())).Body.GetProperty("error").GetString());
        (status, body) = await app.TokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = "https://wiki.example.com/other", ["code_verifier"] = pkce.Verifier });
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.RedeemAsync(code, pkce)).Status);
    }
}
