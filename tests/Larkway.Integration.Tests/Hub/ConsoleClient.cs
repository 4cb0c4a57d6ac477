using System.Net;
using System.Text.RegularExpressions;

namespace Larkway.Integration.Tests.Hub;

/// <summary>A browser-like HTTP client for the Hub's console: keeps cookies, does not follow redirects, reads antiforgery tokens from forms.</summary>
internal sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClientHandler _handler;

    public ConsoleClient(Uri baseUrl)
    {
        _handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
        Http = new HttpClient(_handler) { BaseAddress = baseUrl };
    }

    public HttpClient Http { get; }

    /// <summary>The Cookie header this client sends to <paramref name="path"/>.</summary>
    public string CookieHeader(string path) => _handler.CookieContainer.GetCookieHeader(new Uri(Http.BaseAddress!, path));

    /// <summary>The antiforgery token of the first form on <paramref name="path"/> (which also sets the antiforgery cookie).</summary>
    public async Task<string> TokenFromAsync(string path)
    {
        var html = await Http.GetStringAsync(path);
        return Token(html);
    }

    public static string Token(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token in the page.");

    /// <summary>Posts a form the way a browser would (with the page's token unless <paramref name="withToken"/> is false).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IDictionary<string, string> fields, string? tokenPage = null, bool withToken = true)
    {
        var values = new Dictionary<string, string>(fields);
        if (withToken)
        {
            values["__RequestVerificationToken"] = await TokenFromAsync(tokenPage ?? path);
        }

        using var content = new FormUrlEncodedContent(values);
        return await Http.PostAsync(path, content);
    }

    public Task<HttpResponseMessage> SignInAsync(string password, string user = "admin") =>
        PostFormAsync("/console/sign-in", new Dictionary<string, string> { ["UserName"] = user, ["Password"] = password });

    public void Dispose()
    {
        Http.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
