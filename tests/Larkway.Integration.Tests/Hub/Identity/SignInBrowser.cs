using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Larkway.Integration.Tests.Hub.Identity;

/// <summary>
/// A person's browser for the Hub's sign-in broker: keeps cookies, follows no redirect by itself, and plays the
/// Feishu step through the Emulator's control API (what clicking Allow on its authorize page does).
/// </summary>
internal sealed partial class SignInBrowser(Uri hubUrl, HttpClient emulatorControl) : IDisposable
{
    private readonly HttpClientHandler _handler = new() { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
    private HttpClient? _http;

    public SignInBrowser(HubSandbox hub)
        : this(hub.Host.BaseUrl, hub.Control)
    {
    }

    public HttpClient Http => _http ??= new HttpClient(_handler) { BaseAddress = hubUrl };

    /// <summary>Every cookie the browser holds for the Hub, as name=value.</summary>
    public IEnumerable<string> Cookies => _handler.CookieContainer.GetAllCookies().Select(c => c.Name + "=" + c.Value);

    /// <summary>
    /// Opens <paramref name="authorizeUrl"/> and, when the broker asks, signs in at Feishu as <paramref name="user"/>;
    /// returns where the broker finally sends the browser (the app's redirect URI with a code or an error).
    /// </summary>
    public async Task<Uri> AuthorizeAsync(string authorizeUrl, string user = "alice@example.com", string decision = "allow")
    {
        var location = await GetRedirectAsync(authorizeUrl);
        if (!location.AbsolutePath.Equals("/oidc/sign-in", StringComparison.Ordinal))
        {
            return location;
        }

        return await SignInAtFeishuAsync(location, user, decision);
    }

    /// <summary>From the broker's sign-in page: Sign in with Feishu, the Emulator's Allow (or Deny), back to the broker.</summary>
    public async Task<Uri> SignInAtFeishuAsync(Uri signInPage, string user = "alice@example.com", string decision = "allow") =>
        await ThroughBrokerAsync(await FeishuCallbackAsync(signInPage, user, decision));

    /// <summary>From the broker's sign-in page to Feishu's authorize page: where "Sign in with Feishu" sends the browser.</summary>
    public async Task<Uri> FeishuAuthorizePageAsync(Uri signInPage)
    {
        var html = await Http.GetStringAsync(signInPage);
        var start = WebUtility.HtmlDecode(FeishuLink().Match(html).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(start), "the sign-in page has a 'Sign in with Feishu' link:\n" + html);
        return await GetRedirectAsync(start);
    }

    /// <summary>Signs in at Feishu and returns the callback URL Feishu sends the browser to (code and state), not yet opened.</summary>
    public async Task<Uri> FeishuCallbackAsync(Uri signInPage, string user = "alice@example.com", string decision = "allow")
    {
        var feishu = await FeishuAuthorizePageAsync(signInPage);
        var query = QueryHelpers.ParseQuery(feishu.Query);
        var click = new Dictionary<string, string?>
        {
            ["client_id"] = query["client_id"],
            ["redirect_uri"] = query["redirect_uri"],
            ["state"] = query["state"],
            ["code_challenge"] = query.TryGetValue("code_challenge", out var c) ? c.ToString() : null,
            ["code_challenge_method"] = query.TryGetValue("code_challenge_method", out var m) ? m.ToString() : null,
            ["response_type"] = "code",
            ["user"] = user,
            ["decision"] = decision,
        };
        using var control = await emulatorControl.PostAsJsonAsync("/_emulator/authen/authorize", click.Where(c => c.Value is not null).ToDictionary());
        var text = await control.Content.ReadAsStringAsync();
        Assert.True(control.IsSuccessStatusCode, text);
        return new Uri(JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("location").GetString()!);
    }

    /// <summary>Follows the broker's own redirects (the Feishu handler's callback, then /oidc/feishu/done) to where it sends the browser next.</summary>
    public async Task<Uri> ThroughBrokerAsync(Uri location)
    {
        for (var hops = 0; hops < 5 && location.AbsolutePath.StartsWith("/oidc/feishu/", StringComparison.Ordinal) && location.Port == Http.BaseAddress!.Port; hops++)
        {
            location = await GetRedirectAsync(location);
        }

        return location;
    }

    /// <summary>GETs <paramref name="url"/> and returns its redirect's absolute location (fails on any other answer).</summary>
    public async Task<Uri> GetRedirectAsync(string url) => await GetRedirectAsync(new Uri(url, UriKind.RelativeOrAbsolute));

    public async Task<Uri> GetRedirectAsync(Uri url)
    {
        using var response = await Http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"expected a redirect from {url}, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 600)]}");
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri ? location : new Uri(url.IsAbsoluteUri ? url : new Uri(Http.BaseAddress!, url), location);
    }

    public void Dispose()
    {
        _http?.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("id=\"feishu-sign-in\" href=\"([^\"]+)\"")]
    private static partial Regex FeishuLink();
}
