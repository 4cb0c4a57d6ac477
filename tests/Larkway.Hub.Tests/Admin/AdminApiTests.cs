using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Platform.Queue;
using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Hub.Inbox;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Tests.Admin;

public sealed class AdminApiTests : IDisposable
{
    private const string Key = "test-admin-key-0123456789";
    private readonly TempDatabase _db = new();
    private readonly ManualTimeProvider _time = new();

    public void Dispose() => _db.Dispose();

    /// <summary>A minimal host built from the extension methods only (not Program.cs).</summary>
    private async Task<WebApplication> StartHostAsync(StringWriter console, string? adminKey = Key)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Larkway:Storage:ConnectionString"] = _db.ConnectionString,
            ["Larkway:Inbox:ProcessorEnabled"] = "false",
            ["LARKWAY_ADMIN_KEY"] = adminKey,
        });
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton(new HubConsole(console));
        builder.Services.AddHubStorage(builder.Configuration);
        builder.Services.AddHubLeases(builder.Configuration);
        builder.Services.AddHubInbox(builder.Configuration);
        builder.Services.AddHubAuth();
        var app = builder.Build();
        app.MapHubInboxApi();
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, string? key = Key)
    {
        var client = app.GetTestClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Requests_without_the_right_key_get_401_problem_saying_what_to_send(string? key)
    {
        await using var app = await StartHostAsync(new StringWriter());

        var response = await Client(app, key).GetAsync(new Uri("/api/v1/events", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        response.Headers.WwwAuthenticate.ToString().ShouldBe(key is null ? "Bearer" : "Bearer error=\"invalid_token\"");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe(401);
        problem.GetProperty("detail").GetString()!.ShouldContain("Authorization: Bearer <key>");

        var replay = await Client(app, key).PostAsync(new Uri("/api/v1/events/1/replay", UriKind.Relative), null);
        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Lists_events_newest_first_in_snake_case_with_filters_and_limit()
    {
        await using var app = await StartHostAsync(new StringWriter());
        var store = new InboxTestStore(app.Services);
        var first = (await store.AppendAsync(TestEvents.Message("ev_1", "om_1", app: "ops"))).EventId;
        var second = (await store.AppendAsync(TestEvents.Custom("ev_2"))).EventId;
        var third = (await store.AppendAsync(TestEvents.Custom("ev_3"))).EventId;
        await store.ClaimAsync("A", 1, TimeSpan.FromMinutes(1));
        await store.CompleteAsync(first, "A");
        var client = Client(app);

        var page = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/events", UriKind.Relative))).RootElement;
        page.GetProperty("total").GetInt64().ShouldBe(3);
        page.GetProperty("next").ValueKind.ShouldBe(JsonValueKind.Null, "the last page says next: null, like every list");
        var all = page.GetProperty("items");
        all.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ShouldBe([third, second, first]);
        var oldest = all[2];
        oldest.GetProperty("event_type").GetString().ShouldBe("im.message.receive_v1");
        oldest.GetProperty("dedup_key").GetString().ShouldBe("cli_test/event/ev_1");
        oldest.GetProperty("status").GetString().ShouldBe("done");
        oldest.GetProperty("attempts").GetInt32().ShouldBe(1);
        oldest.TryGetProperty("last_error", out _).ShouldBeFalse();
        oldest.GetProperty("app").GetString().ShouldBe("ops");
        oldest.GetProperty("transport").GetString().ShouldBe("http");
        oldest.GetProperty("received_at").GetDateTimeOffset().ShouldBe(_time.GetUtcNow());
        oldest.TryGetProperty("body", out _).ShouldBeFalse();

        var pending = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/events?type={TestEvents.CustomType}&status=pending&limit=1", UriKind.Relative))).RootElement.GetProperty("items");
        pending.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ShouldBe([third]);
        var done = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/events?status=Done", UriKind.Relative))).RootElement.GetProperty("items");
        done.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ShouldBe([first]);
    }

    [Fact]
    public async Task Pages_follow_next_through_every_matching_event_once_and_count_them_all()
    {
        await using var app = await StartHostAsync(new StringWriter());
        var store = new InboxTestStore(app.Services);
        var custom = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            custom.Add((await store.AppendAsync(TestEvents.Custom($"ev_{i}"))).EventId);
            await store.AppendAsync(TestEvents.Message($"ev_m{i}", $"om_{i}"));
        }

        var client = Client(app);
        var seen = new List<long>();
        var pages = 0;
        string? before = null;
        do
        {
            var query = $"/api/v1/events?type={TestEvents.CustomType}&limit=3" + (before is null ? "" : "&before=" + before);
            var page = JsonDocument.Parse(await client.GetStringAsync(new Uri(query, UriKind.Relative))).RootElement;
            page.GetProperty("total").GetInt64().ShouldBe(7);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            before = page.TryGetProperty("next", out var next) ? next.GetString() : null;
            pages++;
        }
        while (before is not null);

        seen.ShouldBe(custom.AsEnumerable().Reverse());
        pages.ShouldBe(3); // 3 + 3 + 1: the last full page does not point at an empty one
    }

    [Theory]
    [InlineData("status=finished", "status", "pending, in_progress, done, failed, dead_letter")]
    [InlineData("limit=0", "limit", "1 to 1000")]
    [InlineData("limit=1001", "limit", "1 to 1000")]
    [InlineData("limit=ten", "limit", "1 to 1000")]
    [InlineData("before=ev_1", "before", "the `next` of the previous page")]
    [InlineData("before=0", "before", "the `next` of the previous page")]
    [InlineData("after=ev_1", "after", "the `next` of the previous page")]
    public async Task Invalid_query_parameters_get_400_problem_naming_the_parameter(string query, string parameter, string valid)
    {
        await using var app = await StartHostAsync(new StringWriter());

        var response = await Client(app).GetAsync(new Uri($"/api/v1/events?{query}", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        // status answers as before ({parameter}); limit and the cursor through the lists' shared paging ({errors: [{field}]}).
        List<string?> named = problem.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateArray().Select(e => e.GetProperty("field").GetString())] : [problem.GetProperty("parameter").GetString()];
        named.ShouldContain(parameter);
        problem.GetProperty("detail").GetString()!.ShouldContain(valid);
    }

    [Fact]
    public async Task Replay_answers_202_for_a_dead_letter_404_for_an_unknown_id_and_409_while_in_progress()
    {
        await using var app = await StartHostAsync(new StringWriter());
        var store = new InboxTestStore(app.Services);
        var dead = (await store.AppendAsync(TestEvents.Custom("ev_dead"))).EventId;
        var busy = (await store.AppendAsync(TestEvents.Custom("ev_busy"))).EventId;
        for (var i = 0; i < 8; i++)
        {
            (await store.ClaimAsync("A", 1, TimeSpan.FromMinutes(1))).ShouldHaveSingleItem().Id.ShouldBe(dead);
            await store.FailAsync(dead, "A", "System.Exception: x");
            _time.Advance(TimeSpan.FromHours(2));
        }

        (await store.GetAsync(dead))!.State.ShouldBe(WorkState.DeadLetter);
        (await store.ClaimAsync("A", 1, TimeSpan.FromMinutes(1))).ShouldHaveSingleItem().Id.ShouldBe(busy);
        var client = Client(app);

        var accepted = await client.PostAsync(new Uri($"/api/v1/events/{dead}/replay", UriKind.Relative), null);
        var missing = await client.PostAsync(new Uri("/api/v1/events/999999/replay", UriKind.Relative), null);
        var conflict = await client.PostAsync(new Uri($"/api/v1/events/{busy}/replay", UriKind.Relative), null);

        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString().ShouldBe("pending");
        (await store.GetAsync(dead))!.State.ShouldBe(WorkState.Pending);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        conflict.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Without_a_configured_key_one_is_generated_printed_once_and_stored_hashed()
    {
        var firstConsole = new StringWriter();
        string key;
        await using (var app = await StartHostAsync(firstConsole, adminKey: null))
        {
            var printed = firstConsole.ToString();
            var line = printed.Split('\n').Where(l => l.StartsWith("Larkway Hub admin key", StringComparison.Ordinal)).ShouldHaveSingleItem();
            key = line[(line.LastIndexOf(' ') + 1)..].Trim();
            Base64Url.DecodeFromChars(key).Length.ShouldBe(32);

            (await Client(app, key).GetAsync(new Uri("/api/v1/events", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await Client(app, key + "x").GetAsync(new Uri("/api/v1/events", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

            var contexts = app.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
            await using var db = await contexts.CreateDbContextAsync();
            var stored = await db.Settings.SingleAsync(s => s.Name == HubAdminKey.SettingName);
            stored.Value.ShouldNotContain(key);

            // Beside the hash, only where the key was shown, so later starts can say.
            (await db.Settings.Where(s => s.Name != HubAdminKey.SettingName).Select(s => s.Name + "=" + s.Value).ToListAsync())
                .ShouldBe([HubAdminKey.ShownAtSettingName + "=" + HubConsole.StandardOutput]);
            Base64Url.DecodeFromChars(stored.Value).ShouldBe(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        var secondConsole = new StringWriter();
        await using (var again = await StartHostAsync(secondConsole, adminKey: null))
        {
            secondConsole.ToString().ShouldBeEmpty();
            (await Client(again, key).GetAsync(new Uri("/api/v1/events", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task A_configured_key_is_used_and_nothing_is_printed_or_stored()
    {
        var console = new StringWriter();
        await using var app = await StartHostAsync(console);

        (await Client(app).GetAsync(new Uri("/api/v1/events", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        console.ToString().ShouldBeEmpty();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        (await db.Settings.CountAsync()).ShouldBe(0);
    }
}
