using System.Net;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>Console sessions end when they should: at sign-out and password reset for every copy of the cookie, and at the absolute lifetime however used.</summary>
public sealed class HubConsoleSessionTests
{
    [Fact]
    public async Task A_cookie_copied_before_sign_out_is_refused_after_it()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var browser = new ConsoleClient(hub.Host.BaseUrl);
        (await browser.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var stolen = browser.CookieHeader("/console/");

        (await GetAsync(hub.Host.BaseUrl, stolen)).StatusCode.ShouldBe(HttpStatusCode.OK, "the copy works while the session lasts");
        using (var signOut = await browser.PostFormAsync("/console/sign-out", new Dictionary<string, string>(), tokenPage: "/console"))
        {
            signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        await ShouldBeSentToSignInAsync(hub.Host.BaseUrl, stolen);
    }

    [Fact]
    public async Task A_password_reset_ends_every_session_signed_in_with_the_old_password()
    {
        var data = Directory.CreateTempSubdirectory("larkway-sessions-").FullName;
        string cookie;
        await using (var first = await HubSandbox.StartAsync(dataDirectory: data))
        {
            using var browser = new ConsoleClient(first.Host.BaseUrl);
            (await browser.SignInAsync(first.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            cookie = browser.CookieHeader("/console/");
        }

        await using (var again = await HubSandbox.StartAsync(dataDirectory: data))
        {
            (await GetAsync(again.Host.BaseUrl, cookie)).StatusCode.ShouldBe(HttpStatusCode.OK, "a restart alone keeps sessions");
        }

        await using var reset = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["LARKWAY_ADMIN_PASSWORD_RESET"] = "1" }, data);
        reset.Host.BootstrapAdminPassword.ShouldNotBeNull();
        await ShouldBeSentToSignInAsync(reset.Host.BaseUrl, cookie);
    }

    [Fact]
    public async Task A_session_in_constant_use_still_ends_at_its_absolute_lifetime()
    {
        var clock = new ShiftableTimeProvider();
        await using var hub = await HubSandbox.StartAsync(
            new Dictionary<string, string?> { ["Larkway:Console:SessionIdle"] = "01:00:00", ["Larkway:Console:SessionLifetime"] = "03:00:00" },
            configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var browser = new ConsoleClient(hub.Host.BaseUrl);
        (await browser.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Used every 50 minutes, so the hour of idle expiry keeps sliding: at 200 minutes it was last used 50 minutes ago,
        // and only the three hours since sign-in end it.
        for (var i = 0; i < 4; i++)
        {
            using var page = await browser.Http.GetAsync("/console");
            page.StatusCode.ShouldBe(HttpStatusCode.OK, $"after {i * 50} minutes");
            clock.Advance(TimeSpan.FromMinutes(50));
        }

        using var expired = await browser.Http.GetAsync("/console");
        expired.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    private static async Task<HttpResponseMessage> GetAsync(Uri baseUrl, string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console");
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }

    private static async Task ShouldBeSentToSignInAsync(Uri baseUrl, string cookie)
    {
        using var response = await GetAsync(baseUrl, cookie);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/console/sign-in");
    }
}
