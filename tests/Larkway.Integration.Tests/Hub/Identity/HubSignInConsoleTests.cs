using System.Net;
using System.Text.RegularExpressions;
using Larkway.Hub.Directory;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Identity;

/// <summary>
/// The console's side of the broker: administrators granted by person sign in with Feishu (others are refused, and a
/// removed grant ends their session), apps are registered with the secret shown once, and a person can be signed out
/// of every app from the sessions page.
/// </summary>
public sealed partial class HubSignInConsoleTests
{
    [Fact]
    public async Task A_person_granted_in_the_console_signs_in_with_Feishu_others_are_refused_and_removing_the_grant_ends_it()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = new ConsoleClient(hub.Host.BaseUrl);
        (await admin.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Alice has signed in once (so she is a person of the directory); the administrator grants her by person id.
        var alice = hub.State.FindUser("email", "alice@example.com")!;
        var person = await hub.Host.Services.GetRequiredService<PeopleStore>().RecordSeenAsync(new FeishuPersonSeen("", hub.State.Tenant.TenantKey, alice.OpenId, alice.UnionId, alice.UserId, alice.Name));
        using (var granted = await admin.PostFormAsync("/console/administrators?handler=Add", new Dictionary<string, string> { ["Value"] = person.Id, ["Note"] = "Alice" }, "/console/administrators"))
        {
            granted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        // The sign-in page offers Feishu; Alice goes through it and lands in the console.
        using var browser = new SignInBrowser(hub);
        var signInPage = await browser.Http.GetStringAsync("/console/sign-in");
        signInPage.ShouldContain("id=\"console-feishu-sign-in\"");
        var brokerPage = await browser.GetRedirectAsync("/oidc/console?returnUrl=%2Fconsole%2Fsign-in-apps");
        var landed = await browser.SignInAtFeishuAsync(brokerPage);
        landed.PathAndQuery.ShouldBe("/console/sign-in-apps");
        using (var page = await browser.Http.GetAsync("/console/sign-in-apps"))
        {
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await page.Content.ReadAsStringAsync()).ShouldContain(alice.Name);
        }

        // The grant is removed: Alice's next click finds her signed out.
        var grantId = GrantId().Match(await admin.Http.GetStringAsync("/console/administrators")).Groups[1].Value;
        using (var removed = await admin.PostFormAsync("/console/administrators?handler=Remove", new Dictionary<string, string> { ["id"] = grantId }, "/console/administrators"))
        {
            removed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        using var after = await browser.Http.GetAsync("/console/sign-in-apps");
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.ToString().ShouldContain("/console/sign-in");
    }

    [Fact]
    public async Task A_person_not_granted_gets_a_page_that_says_so_and_no_console_cookie()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var bob = new SignInBrowser(hub);
        var brokerPage = await bob.GetRedirectAsync("/oidc/console");
        var html = await bob.Http.GetStringAsync(brokerPage);
        var start = WebUtility.HtmlDecode(FeishuLink().Match(html).Groups[1].Value);
        var feishu = await bob.GetRedirectAsync(start);
        var callback = await EmulatorAllowAsync(hub, feishu, "bob@example.com");
        using var refused = await bob.Http.GetAsync(await bob.GetRedirectAsync(callback));

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var page = await refused.Content.ReadAsStringAsync();
        page.ShouldContain("not an administrator");

        // A way back: the password sign-in, and in the sandbox where admin's password is and where grants are made.
        page.ShouldContain("<a class=\"button primary\" id=\"console-password-sign-in\" href=\"/console/sign-in\">");
        page.ShouldContain("<strong>Administrators</strong>");
        page.ShouldContain($"<code>{WebUtility.HtmlEncode(Path.Combine(hub.DataDirectory, "first-start-secrets.txt"))}</code>");
        using (var back = await bob.Http.GetAsync("/console/sign-in"))
        {
            back.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await back.Content.ReadAsStringAsync()).ShouldContain("type=\"password\"");
        }

        using var console = await bob.Http.GetAsync("/console");
        console.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task The_console_registers_an_app_shows_its_secret_once_and_signs_a_person_out_everywhere()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = new ConsoleClient(hub.Host.BaseUrl);
        (await admin.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();

        using var created = await admin.PostFormAsync("/console/sign-in-apps?handler=Register", new Dictionary<string, string>
        {
            ["Name"] = "Handbook",
            ["Kind"] = "confidential",
            ["RedirectUris"] = "https://handbook.example.com/signin-oidc",
        }, "/console/sign-in-apps");
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await created.Content.ReadAsStringAsync();
        var clientId = Regex.Match(html, "id=\"new-client-id\">([^<]+)<").Groups[1].Value;
        var secret = Regex.Match(html, "id=\"new-secret\">([^<]+)<").Groups[1].Value;
        secret.ShouldStartWith("lkcs_");
        (await admin.Http.GetStringAsync("/console/sign-in-apps")).ShouldNotContain(secret);
        (await admin.Http.GetStringAsync("/console/sign-in-apps/" + clientId)).ShouldNotContain(secret);

        // A person signs in to it; the sessions page shows them; "Sign out everywhere" kills their refresh token.
        var app = new OidcApp(hub, clientId, secret, "https://handbook.example.com/signin-oidc");
        using var browser = new SignInBrowser(hub);
        var (url, pkce, _, _) = app.AuthorizeRequest();
        var (_, tokens) = await app.RedeemAsync(OidcApp.Answer(await browser.AuthorizeAsync(url)).Code!, pkce);
        var sub = (await app.ValidateIdTokenAsync(tokens.GetProperty("id_token").GetString()!, null)).Subject;
        var sessions = await admin.Http.GetStringAsync("/console/sign-in-sessions");
        sessions.ShouldContain(sub);
        sessions.ShouldContain("Handbook");

        using (var signedOut = await admin.PostFormAsync("/console/sign-in-sessions?handler=SignOutPerson", new Dictionary<string, string> { ["personId"] = sub }, "/console/sign-in-sessions"))
        {
            signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        (await app.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!)).Body.GetProperty("error").GetString().ShouldBe("invalid_grant");
        (await admin.Http.GetStringAsync("/console/sign-in-sessions")).ShouldNotContain("data-session=");
    }

    private static async Task<Uri> EmulatorAllowAsync(HubSandbox hub, Uri feishu, string user)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(feishu.Query);
        using var control = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(hub.Control, "/_emulator/authen/authorize", new Dictionary<string, string>
        {
            ["client_id"] = query["client_id"]!,
            ["redirect_uri"] = query["redirect_uri"]!,
            ["state"] = query["state"]!,
            ["code_challenge"] = query["code_challenge"]!,
            ["code_challenge_method"] = query["code_challenge_method"]!,
            ["user"] = user,
        });
        control.EnsureSuccessStatusCode();
        return new Uri(System.Text.Json.JsonDocument.Parse(await control.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("location").GetString()!);
    }

    [GeneratedRegex("data-grant=\"(\\d+)\"")]
    private static partial Regex GrantId();

    [GeneratedRegex("id=\"feishu-sign-in\" href=\"([^\"]+)\"")]
    private static partial Regex FeishuLink();
}
