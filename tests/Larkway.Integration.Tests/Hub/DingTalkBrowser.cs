using System.Net;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A person's browser on a DingTalk notification button: it keeps cookies, and when the Hub sends it to DingTalk's login
/// (the Emulator's <c>/dingtalk/oauth2/auth</c>) it reads that page and agrees as <see cref="UserId"/>, the member it is,
/// then follows DingTalk's return to the Hub — the way a person in DingTalk's in-app browser goes through it.
/// </summary>
internal sealed class DingTalkBrowser : IDisposable
{
    private readonly HttpClient _http;

    public DingTalkBrowser(string userId)
    {
        UserId = userId;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
    }

    /// <summary>The DingTalk member who signs in when DingTalk asks.</summary>
    public string UserId { get; }

    /// <summary>Whether the last <see cref="OpenAsync"/> went through DingTalk's login page.</summary>
    public bool SignedInOnTheWay { get; private set; }

    /// <summary>Opens a link and follows every redirect, signing in on DingTalk's page when sent there; the page it lands on.</summary>
    public async Task<HttpResponseMessage> OpenAsync(string link, string decision = "agree")
    {
        SignedInOnTheWay = false;
        var url = new Uri(link);
        for (var hop = 0; hop < 10; hop++)
        {
            var answer = await _http.GetAsync(url);
            if (answer.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
            {
                url = new Uri(url, answer.Headers.Location!);
                answer.Dispose();
                continue;
            }

            if (!url.AbsolutePath.EndsWith("/dingtalk/oauth2/auth", StringComparison.Ordinal))
            {
                return answer;
            }

            // DingTalk's login page: agree as this member (its form posts the query's parameters back).
            var page = await answer.Content.ReadAsStringAsync();
            answer.StatusCode.ShouldBe(HttpStatusCode.OK, page);
            page.ShouldContain($"value=\"{UserId}\"");
            SignedInOnTheWay = true;
            var form = System.Web.HttpUtility.ParseQueryString(url.Query);
            var fields = form.AllKeys.Select(k => new KeyValuePair<string, string>(k!, form[k]!)).ToList();
            fields.Add(new("user", UserId));
            fields.Add(new("decision", decision));
            using var posted = await _http.PostAsync(new Uri(url, url.AbsolutePath), new FormUrlEncodedContent(fields));
            posted.StatusCode.ShouldBe(HttpStatusCode.Redirect, await posted.Content.ReadAsStringAsync());
            url = posted.Headers.Location!;
        }

        throw new InvalidOperationException("More than 10 redirects from " + link);
    }

    /// <summary>Opens a link and reads the page it lands on.</summary>
    public async Task<string> GetStringAsync(string link)
    {
        using var answer = await OpenAsync(link);
        return await answer.Content.ReadAsStringAsync();
    }

    /// <summary>Presses the page's Confirm: a POST to the link with this browser's cookies, as the page's own form sends it.</summary>
    public async Task<HttpResponseMessage> ConfirmAsync(string link, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, link) { Content = new FormUrlEncodedContent([]) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>Opens the link (signing in when asked) and confirms on its page.</summary>
    public async Task<HttpResponseMessage> OpenAndConfirmAsync(string link)
    {
        using var page = await OpenAsync(link);
        page.StatusCode.ShouldBe(HttpStatusCode.OK, await page.Content.ReadAsStringAsync());
        return await ConfirmAsync(link);
    }

    public void Dispose() => _http.Dispose();
}
