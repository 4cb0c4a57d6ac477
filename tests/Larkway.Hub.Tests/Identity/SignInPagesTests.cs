using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Identity.SignIn;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Hub.Tests.Identity;

/// <summary>The broker's pages: encoded values, and a CSP that lets Feishu's QR SDK in only on the QR page that loads it.</summary>
public sealed class SignInPagesTests
{
    [Fact]
    public async Task Only_the_QR_SDK_page_allows_the_SDK_host_and_Feishus_passport_frame()
    {
        var (sdkPolicy, sdkBody) = await RenderAsync(Larkway.Hub.Feishu.SignIn.FeishuSignInLeg.QrSdkPage("https://passport.feishu.cn/suite/passport/oauth/authorize?client_id=cli_1&state=s"));
        sdkPolicy.ShouldContain("script-src 'self' " + Larkway.Hub.Feishu.SignIn.FeishuSignInLeg.QrSdkOrigin);
        sdkPolicy.ShouldContain("frame-src " + Larkway.Hub.Feishu.SignIn.FeishuSignInLeg.PassportOrigin);
        sdkBody.ShouldContain(Larkway.Hub.Feishu.SignIn.FeishuSignInLeg.QrSdkScript);
        sdkBody.ShouldContain("data-goto=\"https://passport.feishu.cn/suite/passport/oauth/authorize?client_id=cli_1&amp;state=s\"");
        sdkBody.ShouldNotContain("<script>");

        var (pagePolicy, pageBody) = await RenderAsync(SignInPages.SignIn("Wiki", [new SignInButton("feishu", "Feishu", "/oidc/feishu/start?r=x", "/oidc/feishu/start?r=x&via=qr"), new SignInButton("dingtalk", "DingTalk", "/oidc/dingtalk/start?r=x", null)]));
        pagePolicy.ShouldContain("script-src 'none'");
        pagePolicy.ShouldNotContain("feishucdn");
        pagePolicy.ShouldContain("default-src 'none'");
        pagePolicy.ShouldNotContain("frame-src");
        pageBody.ShouldNotContain("<script");

        var (errorPolicy, errorBody) = await RenderAsync(SignInPages.Error("Bad <app>", "It said \"<script>alert(1)</script>\"."));
        errorPolicy.ShouldNotContain("script-src");
        errorPolicy.ShouldContain("default-src 'none'");
        errorBody.ShouldNotContain("<script>alert(1)");
        errorBody.ShouldContain("&lt;script&gt;");
    }

    [Fact]
    public async Task A_form_post_answer_is_a_form_to_the_redirect_uri_with_every_value_encoded_and_the_form_allowed_only_there()
    {
        var answer = new AuthorizeOutcome.Redirect("https://wiki.example.com/signin-oidc?tenant=a&b=1",
            new Dictionary<string, string?> { ["code"] = "c1", ["state"] = "\"><script>alert(1)</script>", ["iss"] = "https://hub.example.com" }, FormPost: true);

        var (policy, body) = await RenderAsync(SignInPages.Answer(answer));

        policy.ShouldEndWith("; form-action https://wiki.example.com");
        policy.ShouldContain("script-src 'self'");
        body.ShouldContain("<form method=\"post\" id=\"form-post\" action=\"https://wiki.example.com/signin-oidc?tenant=a&amp;b=1\">");
        body.ShouldContain("name=\"code\" value=\"c1\"");
        body.ShouldContain("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"");
        body.ShouldContain("<script src=\"/oidc/assets/form-post.js\"></script>");
        body.ShouldNotContain("<script>");

        var (_, redirectBody) = await RenderAsync(SignInPages.Answer(answer with { FormPost = false }));
        redirectBody.ShouldBeEmpty();
    }

    private static async Task<(string Policy, string Body)> RenderAsync(IResult result)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddSingleton(NullLoggerFactory.Instance).BuildServiceProvider() };
        using var body = new MemoryStream();
        http.Response.Body = body;
        await result.ExecuteAsync(http);
        return (http.Response.Headers.ContentSecurityPolicy.ToString(), System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}
