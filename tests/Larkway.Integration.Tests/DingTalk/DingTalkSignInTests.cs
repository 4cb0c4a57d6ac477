using System.Net;
using Larkway.DingTalk;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>
/// DingTalk's OAuth 2.0 login, the client against the Emulator over the real wire: the authorize URL DingTalk documents,
/// the login page's answer, the code exchanged once, the person read with their own token, their userid from the unionId.
/// </summary>
public sealed class DingTalkSignInTests : IAsyncLifetime
{
    private readonly EmulatorOptions _options = new() { Port = 0 };
    private EmulatorServer _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorServer.StartAsync(_options);

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task A_member_who_agrees_is_read_from_the_code_once_and_found_in_the_organisation()
    {
        using var recorder = new DingTalkRecordingHandler();
        using var client = Client(recorder);
        var redirect = new Uri("https://hub.example.com/dingtalk/actions/signin");

        var authorize = client.SignIn.GetAuthorizeUrl(redirect, "s-123");
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Query);
        Assert.Equal(new Uri(_emulator.BaseUrl, "/dingtalk/oauth2/auth").AbsoluteUri, authorize.GetLeftPart(UriPartial.Path));
        Assert.Equal(_options.DingTalkAppKey, query["client_id"]);
        Assert.Equal(redirect.AbsoluteUri, query["redirect_uri"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("openid corpid", query["scope"]);
        Assert.Equal("consent", query["prompt"]);
        Assert.Equal("s-123", query["state"]);

        var code = await AgreeAsync(authorize, "carol");
        var token = await client.SignIn.GetUserTokenAsync(code);
        Assert.Equal(TimeSpan.FromSeconds(7200), token.ExpiresIn);
        Assert.Equal(_options.DingTalkCorpId, token.CorpId);
        Assert.DoesNotContain(token.AccessToken, token.ToString(), StringComparison.Ordinal);

        var me = await client.SignIn.GetCurrentUserAsync(token);
        Assert.Equal("Carol Wang", me.Nick);
        Assert.Equal("carol", await client.Users.GetUserIdByUnionIdAsync(me.UnionId));

        // The user token travelled in the header, instead of the app's; the exchange carried no app token at all.
        var read = Assert.Single(recorder.To("GET", "/v1.0/contact/users/me"));
        Assert.Equal(token.AccessToken, read.Token);
        Assert.Null(Assert.Single(recorder.To("POST", "/v1.0/oauth2/userAccessToken")).Token);

        // A code works once.
        var again = await Assert.ThrowsAsync<DingTalkApiException>(() => client.SignIn.GetUserTokenAsync(code));
        Assert.Equal("invalidParameter.authCode.notFound", again.Code);
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatus);
    }

    [Fact]
    public async Task The_login_page_refuses_a_bad_request_on_the_page_and_a_cancel_returns_an_error_with_the_state()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var page = new Uri(_emulator.BaseUrl, "/dingtalk/oauth2/auth");

        // An unknown app or a missing prompt is shown, never redirected.
        using var unknown = await browser.GetAsync(page + "?client_id=nope&redirect_uri=https%3A%2F%2Fa.example%2Fcb&response_type=code&scope=openid&prompt=consent");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("client_id", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var noPrompt = await browser.GetAsync(page + $"?client_id={_options.DingTalkAppKey}&redirect_uri=https%3A%2F%2Fa.example%2Fcb&response_type=code&scope=openid");
        Assert.Equal(HttpStatusCode.BadRequest, noPrompt.StatusCode);
        Assert.Contains("prompt must be 'consent'", WebUtility.HtmlDecode(await noPrompt.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        using var client = Client(new HttpClientHandler());
        var authorize = client.SignIn.GetAuthorizeUrl(new Uri("https://a.example/cb?x=1"), "s-9");
        using var cancelled = await browser.PostAsync(new Uri(authorize, authorize.AbsolutePath), Form(authorize, "alice", "cancel"));
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        Assert.Equal("https://a.example/cb?x=1&error=access_denied&state=s-9", cancelled.Headers.Location!.AbsoluteUri);
    }

    /// <summary>What a person's browser does on the login page: agree as <paramref name="userId"/>; the authCode it is sent back with.</summary>
    private static async Task<string> AgreeAsync(Uri authorize, string userId)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var shown = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains($"value=\"{userId}\"", await shown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var agreed = await browser.PostAsync(new Uri(authorize, authorize.AbsolutePath), Form(authorize, userId, "agree"));
        Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
        var back = System.Web.HttpUtility.ParseQueryString(agreed.Headers.Location!.Query);
        Assert.Equal("s-123", back["state"]);
        return back["authCode"]!;
    }

    private static FormUrlEncodedContent Form(Uri authorize, string userId, string decision)
    {
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Query);
        return new FormUrlEncodedContent(query.AllKeys.Select(k => new KeyValuePair<string, string>(k!, query[k]!))
            .Append(new("user", userId)).Append(new("decision", decision)));
    }

    private DingTalkClient Client(HttpMessageHandler handler) => new(new DingTalkAppOptions
    {
        AppKey = _options.DingTalkAppKey,
        AppSecret = _options.DingTalkAppSecret,
        ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        OapiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        LoginBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
    }, handler: handler);
}
