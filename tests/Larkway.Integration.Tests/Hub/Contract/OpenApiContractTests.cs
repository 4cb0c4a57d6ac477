using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Shouldly;

namespace Larkway.Integration.Tests.Hub.Contract;

/// <summary>The checker every Hub test's calls go through finds what the document does not say, and passes what it does.</summary>
public sealed class OpenApiContractTests
{
    [Fact]
    public async Task A_field_or_status_the_document_does_not_declare_breaks_the_contract_and_real_calls_keep_it()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using (var made = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "contract", types = new[] { "ops.*" } }))
        {
            made.IsSuccessStatusCode.ShouldBeTrue(await made.Content.ReadAsStringAsync());
        }

        using (var listed = await admin.GetAsync(new Uri("/api/v1/api-keys?limit=1", UriKind.Relative)))
        {
            listed.IsSuccessStatusCode.ShouldBeTrue();
        }

        // The real calls above keep it.
        (await hub.ContractBreachesAsync()).ShouldBeEmpty();

        using var anonymous = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        var contract = OpenApiContract.Read(await anonymous.GetStringAsync(new Uri("/api/v1/openapi.json", UriKind.Relative)));
        contract.OperationOf("GET", "/api/v1/notifications/ntf_0").ShouldBe("GET /api/v1/notifications/{id}");

        // A member the answer's schema does not name.
        var extra = Exchange("GET", "/api/v1/api-keys", 200, """{"items":[],"surprise":1}""");
        contract.Check(extra).ShouldHaveSingleItem().ShouldContain("surprise");

        // A member of the wrong type, inside a list's item.
        var wrongType = Exchange("GET", "/api/v1/api-keys", 200, """{"items":[{"id":5}]}""");
        contract.Check(wrongType).ShouldHaveSingleItem().ShouldContain("/items/0");

        // A status the operation does not declare.
        contract.Check(Exchange("GET", "/api/v1/notifications/ntf_0", 418, "")).ShouldHaveSingleItem().ShouldContain("does not declare 418");

        // A problem answered as plain JSON where the document says problem+json.
        var plain = Exchange("GET", "/api/v1/notifications/ntf_0", 404, """{"title":"Not found","status":404}""", "application/json");
        contract.Check(plain).ShouldHaveSingleItem().ShouldContain("application/problem+json");

        // A request the Hub took with a member its schema does not name.
        var taken = new ApiExchange("POST", "/api/v1/api-keys", 201, "application/json", Encoding.UTF8.GetBytes("""{"name":"x","colour":"red"}"""),
            "application/json", Encoding.UTF8.GetBytes("""{"id":"key_0","name":"x","key":"lk_0","types":["a"],"created_at":"2026-11-29T00:00:00Z"}"""));
        contract.Check(taken).ShouldContain(b => b.Contains("request", StringComparison.Ordinal) && b.Contains("colour", StringComparison.Ordinal));
    }

    private static ApiExchange Exchange(string method, string path, int status, string body, string contentType = "application/problem+json") =>
        new(method, path, status, null, [], body.Length == 0 ? null : status < 300 ? "application/json; charset=utf-8" : contentType, Encoding.UTF8.GetBytes(body));
}
