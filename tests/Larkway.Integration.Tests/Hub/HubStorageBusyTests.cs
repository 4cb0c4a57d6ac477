using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Larkway.Integration.Tests.Hub;

/// <summary>A database another writer holds past the busy timeout answers 503 with Retry-After, and the same request later succeeds.</summary>
public sealed class HubStorageBusyTests
{
    [Fact]
    public async Task A_locked_database_answers_503_with_retry_after_and_the_retry_is_stored_once()
    {
        var data = Directory.CreateTempSubdirectory("larkway-busy-").FullName;
        await using var hub = await HubSandbox.StartAsync(
            new Dictionary<string, string?> { ["Larkway:Storage:BusyTimeout"] = "00:00:00.300" }, dataDirectory: data);
        using var client = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        var request = new
        {
            type = "ops.notice",
            idempotency_key = "busy-1",
            card = new { elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "Busy test" } } } },
            recipients = new[] { new { email = "alice@example.com" } },
        };

        await using (var holder = new SqliteConnection($"Data Source={Path.Combine(data, "larkway.db")};Pooling=False"))
        {
            await holder.OpenAsync();
            // BEGIN IMMEDIATE: this connection holds the write lock until it is closed.
            using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                await begin.ExecuteNonQueryAsync();
            }

            using var busy = await client.PostAsJsonAsync("/api/v1/notifications", request);

            busy.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, await busy.Content.ReadAsStringAsync());
            busy.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(1));
            busy.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await busy.Content.ReadAsStringAsync()).ShouldContain("same idempotency key");
        }

        using var retried = await client.PostAsJsonAsync("/api/v1/notifications", request);
        retried.StatusCode.ShouldBe(HttpStatusCode.Accepted, await retried.Content.ReadAsStringAsync());
        using var again = await client.PostAsJsonAsync("/api/v1/notifications", request);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()
            .ShouldBe(JsonDocument.Parse(await retried.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
    }
}
