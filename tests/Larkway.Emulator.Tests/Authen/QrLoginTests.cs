using System.Net;
using AngleSharp.Html.Parser;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Authen;

public sealed class QrLoginTests
{
    private static string Goto(SignIn signIn, string redirect = SignIn.Callback) =>
        $"/suite/passport/oauth/authorize?client_id={signIn.AppId}&redirect_uri={Uri.EscapeDataString(redirect)}&response_type=code&state=qr-state";

    [Fact]
    public async Task A_scan_and_confirmation_take_the_page_through_tmp_code_to_the_callback_with_an_exchangeable_code()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);

        // The QR page: a PNG QR code, scan buttons, and a meta refresh to itself with its session.
        using var page = await Reply.ReadAsync(await signIn.Browser.GetAsync(Goto(signIn)));
        Assert.Equal(200, page.Status);
        var document = new HtmlParser().ParseDocument(page.Text);
        Assert.Empty(document.QuerySelectorAll("script"));
        var image = document.QuerySelector("img.qr")!;
        Assert.StartsWith("data:image/png;base64,iVBOR", image.GetAttribute("src"), StringComparison.Ordinal);
        var session = image.GetAttribute("data-qr-session")!;
        Assert.Equal(new Uri(emulator.Server.BaseUrl, "/suite/passport/qr/" + session).AbsoluteUri, image.GetAttribute("data-scan-url"));
        var refresh = document.QuerySelector("meta[http-equiv=refresh]")!.GetAttribute("content")!;
        var again = refresh[(refresh.IndexOf("url=", StringComparison.Ordinal) + 4)..];
        Assert.Contains("qr_session=" + session, again, StringComparison.Ordinal);

        // Before the scan the page only shows itself again.
        using (var waiting = await Reply.ReadAsync(await signIn.Browser.GetAsync(again)))
        {
            Assert.Equal(200, waiting.Status);
            Assert.Contains(session, waiting.Text, StringComparison.Ordinal);
        }

        using (var scan = await emulator.PostJsonAsync($"/_emulator/authen/qr-logins/{session}/scan", new { user = "carol@example.com" }))
        {
            Assert.True(scan.Code == 0, scan.Text);
        }

        using var toTmp = await Reply.ReadAsync(await signIn.Browser.GetAsync(again));
        Assert.Equal(HttpStatusCode.Redirect, toTmp.Response.StatusCode);
        var tmpUrl = toTmp.Response.Headers.Location!.OriginalString;
        Assert.Contains("tmp_code=", tmpUrl, StringComparison.Ordinal);

        using var toApp = await Reply.ReadAsync(await signIn.Browser.GetAsync(tmpUrl));
        Assert.Equal(HttpStatusCode.Redirect, toApp.Response.StatusCode);
        var location = toApp.Response.Headers.Location!;
        Assert.StartsWith(SignIn.Callback + "?", location.AbsoluteUri, StringComparison.Ordinal);
        var query = SignIn.QueryOf(location);
        Assert.Equal("qr-state", query["state"]);

        using var tokens = await signIn.ExchangeCodeAsync(query["code"]!);
        Assert.True(tokens.Code == 0, tokens.Text);
        using var me = await emulator.GetAsync("/open-apis/authen/v1/user_info", tokens.Json.GetProperty("access_token").GetString());
        Assert.Equal(emulator.User("carol@example.com").OpenId, me.Data.GetProperty("open_id").GetString());

        // The tmp_code is taken once.
        using var replay = await Reply.ReadAsync(await signIn.Browser.GetAsync(tmpUrl));
        Assert.Equal(400, replay.Status);
        Assert.Null(replay.Response.Headers.Location);
    }

    [Fact]
    public async Task A_person_scans_and_confirms_through_the_pages()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var page = await Reply.ReadAsync(await signIn.Browser.GetAsync(Goto(signIn)));
        var document = new HtmlParser().ParseDocument(page.Text);
        var session = document.QuerySelector("img.qr")!.GetAttribute("data-qr-session")!;
        var bob = emulator.User("bob@example.com").OpenId;
        var scanForm = document.QuerySelectorAll("form").First(f => f.QuerySelector("input[name=user]")!.GetAttribute("value") == bob);
        var origin = emulator.Server.BaseUrl.GetLeftPart(UriPartial.Authority);

        using var scanned = await signIn.PostFormAsync(scanForm.GetAttribute("action")!, origin, [("user", bob)]);
        Assert.Equal(HttpStatusCode.Redirect, scanned.Response.StatusCode);
        var phone = scanned.Response.Headers.Location!.OriginalString;
        Assert.Equal("/suite/passport/qr/" + session, phone);

        using (var desktop = await Reply.ReadAsync(await signIn.Browser.GetAsync(Goto(signIn) + "&qr_session=" + session)))
        {
            Assert.Contains("Scanned by Bob Li", desktop.Text, StringComparison.Ordinal);
        }

        using var phonePage = await Reply.ReadAsync(await signIn.Browser.GetAsync(phone));
        var confirm = new HtmlParser().ParseDocument(phonePage.Text).QuerySelector("form")!;
        using (var crossSite = await signIn.PostFormAsync(confirm.GetAttribute("action")!, "https://evil.example", [("user", bob), ("decision", "confirm")]))
        {
            Assert.Equal(403, crossSite.Status);
        }

        using (var confirmed = await signIn.PostFormAsync(confirm.GetAttribute("action")!, origin, [("user", bob), ("decision", "confirm")]))
        {
            Assert.Equal(HttpStatusCode.Redirect, confirmed.Response.StatusCode);
        }

        using var done = await Reply.ReadAsync(await signIn.Browser.GetAsync(Goto(signIn) + "&qr_session=" + session));
        Assert.Equal(HttpStatusCode.Redirect, done.Response.StatusCode);
        Assert.Contains("tmp_code=", done.Response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_is_refused_on_the_page()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var page = await Reply.ReadAsync(await signIn.Browser.GetAsync(Goto(signIn, "https://evil.example/cb")));

        Assert.Equal(400, page.Status);
        Assert.Contains("data-error-code=\"20029\"", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("img", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_qr_code_left_unscanned_for_three_minutes_cannot_be_scanned()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var page = await Reply.ReadAsync(await signIn.Browser.GetAsync(Goto(signIn)));
        var session = new HtmlParser().ParseDocument(page.Text).QuerySelector("img.qr")!.GetAttribute("data-qr-session")!;

        emulator.Clock.Advance(TimeSpan.FromMinutes(3));
        using var scan = await emulator.PostJsonAsync($"/_emulator/authen/qr-logins/{session}/scan", new { user = "carol@example.com" });
        Assert.Equal(400, scan.Status);
    }
}
