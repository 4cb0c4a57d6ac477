using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Integration.Tests.Hub.Fuzz;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Each class of malformed body the hostile test found, on every API that reads one: a 4xx problem+json that says
/// what was wrong (was a 500 with a stack trace in the log), and nothing stored.
/// </summary>
public sealed class HubBadInputTests
{
    /// <summary>The APIs that read a body, with who may call them.</summary>
    public static TheoryData<string, string, bool> Routes => new()
    {
        { "POST", "/api/v1/notifications", false },
        { "PATCH", "/api/v1/notifications/ntf_missing", false },
        { "POST", "/api/v1/approvals", false },
        { "POST", "/api/v1/notification-types/payment.pending/preview", false },
        { "PUT", "/api/v1/notification-types/bad.input", true },
        { "POST", "/api/v1/api-keys", true },
        { "POST", "/api/v1/webhooks", true },
        { "POST", "/api/v1/apps", true },
        { "PATCH", "/api/v1/apps/procurement", true },
        { "POST", "/api/v1/bitable-syncs", true },
        { "PUT", "/api/v1/bitable-syncs/bsy_missing", true },
        { "POST", "/api/v1/bitable-syncs/bsy_missing/conflicts/1/resolve", true },
        { "POST", "/api/v1/identity/clients", true },
        { "PATCH", "/api/v1/identity/clients/missing", true },
    };

    private static readonly (string Name, byte[] Body, string ContentType)[] Classes =
    [
        ("invalid UTF-8 in a string", [.. "{\"name\":\""u8, 0xFF, 0xFE, .. "\",\"types\":[\"x\"]}"u8], "application/json"),
        ("an unpaired surrogate escape", "{\"name\":\"\\ud800\",\"types\":[\"x\"],\"url\":\"\\udfff\"}"u8.ToArray(), "application/json"),
        ("duplicate keys", "{\"name\":\"a\",\"name\":\"b\",\"types\":[\"x\"],\"types\":[\"y\"]}"u8.ToArray(), "application/json"),
        ("null array items", "{\"name\":\"erp\",\"types\":[null],\"event_types\":[null],\"url\":\"http://127.0.0.1:9/x\",\"recipients\":[null],\"data\":{}}"u8.ToArray(), "application/json"),
        ("wrong types", "{\"name\":5,\"types\":\"*\",\"event_types\":{},\"url\":[],\"enabled\":\"yes\",\"recipients\":7}"u8.ToArray(), "application/json"),
        ("an unknown charset", "{\"name\":\"erp\",\"types\":[\"x\"]}"u8.ToArray(), "application/json; charset=klingon"),
        ("deep nesting", Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)), "application/json"),
    ];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_class_of_malformed_body_is_a_4xx_problem_that_says_what_was_wrong(string method, string path, bool adminOnly)
    {
        await using var hub = await HubSandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        var key = adminOnly ? HubSandbox.AdminKey : await ApiKeyAsync(hub);
        var before = await CountsAsync(hub);

        foreach (var (name, body, contentType) in Classes)
        {
            // A preview renders any object it is given and answers with the problems of the rendered card.
            if (path.EndsWith("/preview", StringComparison.Ordinal) && name is "null array items" or "wrong types")
            {
                continue;
            }

            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

            using var response = await http.SendAsync(request);

            var text = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBeInRange(400, 499, $"{name} to {method} {path}: {text}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"{name} to {method} {path}");
            JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace($"{name} to {method} {path}");
        }

        (await CountsAsync(hub)).ShouldBe(before, "nothing was stored");
    }

    [Fact]
    public async Task The_refusals_name_the_problem()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);

        async Task<string> DetailAsync(byte[] body, string contentType = "application/json")
        {
            using var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            using var response = await admin.PostAsync("/api/v1/api-keys", content);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        }

        (await DetailAsync(Classes[0].Body)).ShouldContain("not valid UTF-8");
        (await DetailAsync(Classes[1].Body)).ShouldContain("unpaired surrogate");
        (await DetailAsync(Classes[2].Body)).ShouldContain("Duplicate property 'name'");
        (await DetailAsync("{\"name\":\"erp\",\"types\":[null]}"u8.ToArray())).ShouldContain("types: every item must be a string");
        (await DetailAsync("{\"name\":5,\"types\":[\"*\"]}"u8.ToArray())).ShouldContain("$.name");
        (await DetailAsync(Classes[5].Body, Classes[5].ContentType)).ShouldContain("charset 'klingon' is not accepted");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_by_its_length_before_the_caller_is_even_checked()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = hub.Host.BaseUrl };

        // Unauthenticated: answered 401 after the headers, with 2 MB announced and only 1 KB of it sent.
        var head = Encoding.ASCII.GetBytes($"POST /api/v1/api-keys HTTP/1.1\r\nHost: {hub.Host.BaseUrl.Authority}\r\nContent-Type: application/json\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n");
        var status = await RawHttp.SendAsync(hub.Host.BaseUrl, new RawHttp.Case("announced-2MB", [.. head, .. new byte[1024]], CloseAfterSending: false));
        status.ShouldBe((int)HttpStatusCode.Unauthorized);

        // The admin, over the route's 64 KB: a 413 that names the limit.
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var large = await http.PostAsJsonAsync("/api/v1/api-keys", new { name = new string('x', 70_000), types = new[] { "*" } });
        large.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await large.Content.ReadAsStringAsync()).ShouldContain("64 KB");
    }

    [Theory]
    [InlineData("/api/v1/notifications")]
    [InlineData("/api/v1/api-keys")]
    [InlineData("/feishu/events")]
    public async Task Broken_chunked_framing_is_a_400_never_a_500(string path)
    {
        await using var hub = await HubSandbox.StartAsync();
        var host = $"{hub.Host.BaseUrl.Host}:{hub.Host.BaseUrl.Port}";

        foreach (var broken in RawHttp.BrokenFraming(path, host, $"Bearer {HubSandbox.AdminKey}").Where(c => c.Name.StartsWith("chunk", StringComparison.Ordinal)))
        {
            var status = await RawHttp.SendAsync(hub.Host.BaseUrl, broken);
            if (status is { } answered)
            {
                answered.ShouldBeInRange(400, 499, $"{broken.Name} to {path}");
            }
        }

        (await new HttpClient { BaseAddress = hub.Host.BaseUrl }.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<string> ApiKeyAsync(HubSandbox hub)
    {
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "bad-input", types = new[] { "*" } });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    [Theory]
    [InlineData("/api/v1/approvals?limit=abc", "limit")]
    [InlineData("/api/v1/approvals?limit=99999999999", "limit")]
    [InlineData("/api/v1/approvals?before=AAAA____", "before")]
    [InlineData("/api/v1/notifications?before=ntf_%27--", "before")]
    [InlineData("/api/v1/approvals?after=AAAA____", "after")]
    [InlineData("/api/v1/apps?after=Not%20A%20Name", "after")]
    public async Task A_query_value_of_the_wrong_type_or_a_cursor_no_page_gave_is_a_400_problem_naming_the_parameter(string path, string parameter)
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);

        using var response = await admin.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", "a bare 400 says nothing about what to fix");
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!.ShouldContain(parameter);
    }

    /// <summary>How many keys, webhooks, types, syncs, sign-in apps and apps the Hub holds (a refused body changes none).</summary>
    private static async Task<string> CountsAsync(HubSandbox hub)
    {
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        var counts = new List<int>();
        foreach (var list in new[] { "/api/v1/api-keys", "/api/v1/webhooks", "/api/v1/notification-types", "/api/v1/bitable-syncs", "/api/v1/identity/clients", "/api/v1/apps" })
        {
            counts.Add((await admin.GetFromJsonAsync<JsonElement>(list + "?limit=200")).GetProperty("items").GetArrayLength());
        }
        return string.Join(",", counts);
    }
}
