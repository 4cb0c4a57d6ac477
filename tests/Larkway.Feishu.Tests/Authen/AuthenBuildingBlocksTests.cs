using Larkway.Feishu.Authen;

namespace Larkway.Feishu.Tests.Authen;

/// <summary>PKCE, the authorize URL and the JSAPI signature, against the RFC's and Feishu's own published examples.</summary>
public sealed class AuthenBuildingBlocksTests
{
    [Fact]
    public void The_S256_challenge_matches_RFC_7636_appendix_B() =>
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.ChallengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));

    [Fact]
    public void A_new_pair_has_a_valid_verifier_whose_challenge_it_carries_and_pairs_differ()
    {
        var first = Pkce.Create();
        var second = Pkce.Create();
        Assert.True(Pkce.IsValidVerifier(first.Verifier));
        Assert.Equal(43, first.Verifier.Length);
        Assert.Equal(Pkce.ChallengeOf(first.Verifier), first.Challenge);
        Assert.NotEqual(first.Verifier, second.Verifier);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("this-verifier-has-a-space-in-it and-is-otherwise-long-enough-1234")]
    [InlineData("this+verifier+has+a+plus+sign+and+is+otherwise+long+enough+12345")]
    public void A_verifier_of_the_wrong_length_or_characters_is_refused(string verifier) =>
        Assert.Contains("43–128 characters", Assert.Throws<ArgumentException>(() => Pkce.ChallengeOf(verifier)).Message, StringComparison.Ordinal);

    [Fact]
    public void The_authorize_url_is_the_documented_example_on_the_accounts_host()
    {
        var url = FeishuAuthorizeUrl.Build(FeishuBaseUrls.Feishu, new FeishuAuthorizeRequest
        {
            ClientId = "cli_a5d611352af9d00b",
            RedirectUri = new Uri("https://example.com/api/oauth/callback"),
            Scopes = ["bitable:app:readonly", "contact:contact"],
            State = "RANDOMSTRING",
        });

        Assert.Equal(
            "https://accounts.feishu.cn/open-apis/authen/v1/authorize?client_id=cli_a5d611352af9d00b&response_type=code&redirect_uri=https%3A%2F%2Fexample.com%2Fapi%2Foauth%2Fcallback&scope=bitable%3Aapp%3Areadonly%20contact%3Acontact&state=RANDOMSTRING",
            url.AbsoluteUri);
    }

    [Fact]
    public void Lark_and_other_hosts_get_their_own_accounts_host_and_PKCE_is_always_S256()
    {
        var pkce = Pkce.Create();
        var request = new FeishuAuthorizeRequest { ClientId = "cli_1", RedirectUri = new Uri("https://app.example.com/cb"), CodeChallenge = pkce.Challenge };

        Assert.Equal("https://accounts.larksuite.com/open-apis/authen/v1/authorize", FeishuAuthorizeUrl.Build(FeishuBaseUrls.Lark, request).GetLeftPart(UriPartial.Path));
        var local = FeishuAuthorizeUrl.Build(new Uri("http://127.0.0.1:8787/"), request);
        Assert.Equal("http://127.0.0.1:8787/open-apis/authen/v1/authorize", local.GetLeftPart(UriPartial.Path));
        Assert.EndsWith($"&code_challenge={pkce.Challenge}&code_challenge_method=S256", local.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_blank_or_too_many_scopes_are_refused_before_the_browser_sees_them()
    {
        FeishuAuthorizeRequest With(params string[] scopes) => new() { ClientId = "cli_1", RedirectUri = new Uri("https://a.example/cb"), Scopes = scopes };

        Assert.Contains("'a' is given twice", Assert.Throws<ArgumentException>(() => FeishuAuthorizeUrl.Build(FeishuBaseUrls.Feishu, With("a", "a"))).Message, StringComparison.Ordinal);
        Assert.Contains("no spaces", Assert.Throws<ArgumentException>(() => FeishuAuthorizeUrl.Build(FeishuBaseUrls.Feishu, With("a b"))).Message, StringComparison.Ordinal);
        Assert.Contains("at most 50 scopes", Assert.Throws<ArgumentException>(
            () => FeishuAuthorizeUrl.Build(FeishuBaseUrls.Feishu, With([.. Enumerable.Range(0, 51).Select(i => $"s{i}")]))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a885c93b03d6b6057e992ddda519e6ac857b5d6c", "Y7a8KkqX041bsSwT", 1609904126124, "https://m.mm.cn/ttc/3541093/3131_1.html", "fc87e50e5fa427ffad0685cc5040a004531d8e9c")]
    [InlineData("617bf955832a4d4d80d9d8d85917a427", "Y7a8KkqX041bsSwT", 1510045655000, "https://example.cn/test/1234/content.html", "40a68999ecf7e05907edba43b31a50fd1830c777")]
    public void The_jsapi_signature_matches_Feishus_published_examples(string ticket, string nonce, long timestamp, string url, string expected) =>
        Assert.Equal(expected, JsapiSignature.Compute(ticket, nonce, timestamp, url));

    [Theory]
    [InlineData("https://m.example.cn/page.html?x=1#top", "https://m.example.cn/page.html")]
    [InlineData("https://m.example.cn/page.html#top", "https://m.example.cn/page.html")]
    [InlineData("https://m.example.cn/page.html", "https://m.example.cn/page.html")]
    public void A_web_components_url_is_signed_without_query_and_fragment(string url, string signed) =>
        Assert.Equal(signed, JsapiSignature.ComponentUrl(url));
}
