using System.Net;
using AngleSharp.Html.Parser;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Authen;

public sealed class AuthorizePageTests
{
    private const string PagePath = "/open-apis/authen/v1/authorize";

    private static Dictionary<string, string?> Query(string appId, string redirect = SignIn.Callback, string? scope = "contact:user.email:readonly offline_access", string? state = "xyz") => new()
    {
        ["client_id"] = appId,
        ["response_type"] = "code",
        ["redirect_uri"] = redirect,
        ["scope"] = scope,
        ["state"] = state,
    };

    [Fact]
    public async Task The_page_is_a_scriptless_form_listing_the_scopes_and_the_people_to_sign_in_as()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await signIn.GetAsync(PagePath, Query(signIn.AppId));

        Assert.Equal(200, reply.Status);
        Assert.Equal("text/html", reply.Response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("DENY", reply.Header("X-Frame-Options"));
        var document = new HtmlParser().ParseDocument(reply.Text);
        Assert.Empty(document.QuerySelectorAll("script"));
        var form = document.QuerySelector("form[method=post]")!;
        Assert.Equal(PagePath, form.GetAttribute("action"));
        Assert.Equal(SignIn.Callback, form.QuerySelector("input[name=redirect_uri]")!.GetAttribute("value"));
        Assert.Equal("xyz", form.QuerySelector("input[name=state]")!.GetAttribute("value"));
        Assert.Equal(["contact:user.email:readonly", "offline_access"], document.QuerySelectorAll("ul.scopes code").Select(e => e.TextContent));
        var people = form.QuerySelectorAll("input[name=user]").Select(e => e.GetAttribute("value")).ToList();
        Assert.Equal(emulator.State.Users.Count(u => !u.IsResigned), people.Count);
        Assert.Contains(signIn.AliceOpenId, people);
        Assert.Equal(["deny", "allow"], form.QuerySelectorAll("button[name=decision]").Select(b => b.GetAttribute("value")));
    }

    [Fact]
    public async Task Allow_redirects_to_the_callback_with_a_long_code_and_the_state()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await PostAsync(signIn, Query(signIn.AppId), "allow", signIn.AliceOpenId);

        Assert.Equal(HttpStatusCode.Redirect, reply.Response.StatusCode);
        var location = reply.Response.Headers.Location!;
        Assert.StartsWith(SignIn.Callback + "?", location.AbsoluteUri, StringComparison.Ordinal);
        var query = SignIn.QueryOf(location);
        Assert.Equal("xyz", query["state"]);
        var code = query["code"]!;
        Assert.True(code.Length >= 64, code);
        Assert.All(code, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' in {code}"));

        // The code carries what was allowed: Alice, the scopes.
        using var tokens = await signIn.ExchangeCodeAsync(code);
        Assert.Equal("contact:user.email:readonly offline_access", tokens.Json.GetProperty("scope").GetString());
        using var me = await emulator.GetAsync("/open-apis/authen/v1/user_info", tokens.Json.GetProperty("access_token").GetString());
        Assert.Equal(signIn.AliceOpenId, me.Data.GetProperty("open_id").GetString());
    }

    [Fact]
    public async Task Deny_redirects_with_access_denied_and_the_state()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await PostAsync(signIn, Query(signIn.AppId), "deny", signIn.AliceOpenId);

        Assert.Equal(HttpStatusCode.Redirect, reply.Response.StatusCode);
        var query = SignIn.QueryOf(reply.Response.Headers.Location!);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("xyz", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task A_fragment_in_the_redirect_uri_stays_after_the_added_query()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await PostAsync(signIn, Query(signIn.AppId, redirect: "http://localhost:5000/app?tab=1#/login"), "allow", signIn.AliceOpenId);

        var location = reply.Response.Headers.Location!.OriginalString;
        Assert.Matches(@"^http://localhost:5000/app\?tab=1&code=[A-Za-z0-9_-]{64,}&state=xyz#/login$", location);
    }

    [Theory]
    [InlineData("cli_0000000000000000", SignIn.Callback, null, 20048)]
    [InlineData(null, "https://evil.example/callback", null, 20029)]
    [InlineData(null, "not a url", null, 20029)]
    [InlineData(null, SignIn.Callback, "contact:user.email:readonly bad/scope", 20027)]
    [InlineData(null, SignIn.Callback, "offline_access offline_access", 20067)]
    public async Task Bad_parameters_are_shown_on_the_page_and_never_redirected(string? clientId, string redirect, string? scope, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await signIn.GetAsync(PagePath, Query(clientId ?? signIn.AppId, redirect, scope));

        Assert.Equal(400, reply.Status);
        Assert.Null(reply.Response.Headers.Location);
        var alert = new HtmlParser().ParseDocument(reply.Text).QuerySelector("[role=alert]")!;
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), alert.GetAttribute("data-error-code"));
        Assert.Empty(new HtmlParser().ParseDocument(reply.Text).QuerySelectorAll("form"));
    }

    [Fact]
    public async Task The_allow_list_replaces_the_loopback_default_and_applied_scopes_limit_the_request()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using (var set = await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{signIn.AppId}/oauth", """{"redirect_urls":["https://app.example.com/signin-feishu"],"scopes":["offline_access"]}""", null))
        {
            Assert.Equal(0, set.Code);
        }

        using (var loopback = await signIn.GetAsync(PagePath, Query(signIn.AppId, scope: null)))
        {
            Assert.Contains("data-error-code=\"20029\"", loopback.Text, StringComparison.Ordinal);
        }

        using (var unapplied = await signIn.GetAsync(PagePath, Query(signIn.AppId, "https://app.example.com/signin-feishu", "offline_access contact:user.email:readonly")))
        {
            Assert.Contains("data-error-code=\"20027\"", unapplied.Text, StringComparison.Ordinal);
            Assert.Contains("contact:user.email:readonly", unapplied.Text, StringComparison.Ordinal);
        }

        using var allowed = await signIn.GetAsync(PagePath, Query(signIn.AppId, "https://app.example.com/signin-feishu?next=%2Fhome", "offline_access"));
        Assert.Equal(200, allowed.Status);
    }

    [Fact]
    public async Task More_than_50_scopes_are_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await signIn.GetAsync(PagePath, Query(signIn.AppId, scope: string.Join(' ', Enumerable.Range(1, 51).Select(i => $"scope:{i}"))));

        Assert.Equal(400, reply.Status);
        Assert.Contains("at most 50", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_from_another_site_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await PostAsync(signIn, Query(signIn.AppId), "allow", signIn.AliceOpenId, origin: "https://evil.example");

        Assert.Equal(403, reply.Status);
        Assert.Null(reply.Response.Headers.Location);
    }

    [Fact]
    public async Task A_resigned_user_or_one_the_app_is_not_available_to_cannot_sign_in()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using (await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{signIn.AppId}/oauth", """{"available_to":["bob@example.com"]}""", null))
        {
        }

        using var reply = await PostAsync(signIn, Query(signIn.AppId), "allow", signIn.AliceOpenId);
        Assert.Equal(400, reply.Status);
        Assert.Contains("data-error-code=\"20010\"", reply.Text, StringComparison.Ordinal);
        using var bob = await PostAsync(signIn, Query(signIn.AppId), "allow", emulator.User("bob@example.com").OpenId);
        Assert.Equal(HttpStatusCode.Redirect, bob.Response.StatusCode);
    }

    private static async Task<Reply> PostAsync(SignIn signIn, Dictionary<string, string?> query, string decision, string user, string? origin = null) =>
        await signIn.PostFormAsync(
            "/open-apis/authen/v1/authorize",
            origin ?? signIn.Origin,
            [.. query.Where(p => p.Value is not null).Select(p => (p.Key, p.Value!)), ("decision", decision), ("user", user)]);
}
