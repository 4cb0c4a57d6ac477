using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Behind a reverse proxy: X-Forwarded-For and X-Forwarded-Proto are believed from the proxies in LARKWAY_TRUSTED_PROXIES
/// only. The test's own connection comes from 127.0.0.1, so it plays the proxy.
/// </summary>
public sealed class HubForwardedHeadersTests
{
    [Fact]
    public async Task From_a_trusted_proxy_the_client_address_and_scheme_are_the_forwarded_ones()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["LARKWAY_TRUSTED_PROXIES"] = "127.0.0.1",
            ["Larkway:Api:FreeKeyFailures"] = "2",
        });

        // One client locks itself out; another client behind the same proxy is not locked with it.
        await LockOutAsync(hub, "203.0.113.7");
        (await SendAsync(hub, HubSandbox.AdminKey, "203.0.113.8", HttpMethod.Get, "/api/v1/apps")).ShouldBe(HttpStatusCode.OK);
        (await SendAsync(hub, HubSandbox.AdminKey, "203.0.113.7", HttpMethod.Get, "/api/v1/apps")).ShouldBe(HttpStatusCode.TooManyRequests);

        // TLS ended at the proxy: the request is HTTPS to the Hub, so URLs built from it are https (and console cookies Secure).
        var app = await AddAppAsync(hub, forwardedProto: "https");
        app.GetProperty("events_url").GetString().ShouldStartWith("https://");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("10.9.8.7")]
    public async Task Without_a_trusted_proxy_the_forwarded_headers_are_ignored(string? trusted)
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["LARKWAY_TRUSTED_PROXIES"] = trusted,
            ["Larkway:Api:FreeKeyFailures"] = "2",
        });

        await AddAppAsync(hub, forwardedProto: "https", expectHttp: true);

        // The lockout is the connection's address: a forged X-Forwarded-For does not escape it.
        await LockOutAsync(hub, "203.0.113.7");
        (await SendAsync(hub, HubSandbox.AdminKey, "203.0.113.8", HttpMethod.Get, "/api/v1/apps")).ShouldBe(HttpStatusCode.TooManyRequests);
    }

    private static async Task LockOutAsync(HubSandbox hub, string client)
    {
        for (var i = 0; i < 2; i++)
        {
            (await SendAsync(hub, "lwk_wrong", client, HttpMethod.Get, "/api/v1/apps")).ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await SendAsync(hub, HubSandbox.AdminKey, client, HttpMethod.Get, "/api/v1/apps")).ShouldBe(HttpStatusCode.TooManyRequests);
    }

    private static async Task<HttpStatusCode> SendAsync(HubSandbox hub, string key, string forwardedFor, HttpMethod method, string path)
    {
        using var http = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<JsonElement> AddAppAsync(HubSandbox hub, string forwardedProto, bool expectHttp = false)
    {
        using var http = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/apps")
        {
            Content = JsonContent.Create(new { name = "procurement", app_id = "cli_forwarded", app_secret = "s", verification_token = "v" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        using var response = await http.SendAsync(request);
        var app = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, app.ToString());
        if (expectHttp)
        {
            app.GetProperty("events_url").GetString().ShouldStartWith("http://");
        }

        return app;
    }
}
