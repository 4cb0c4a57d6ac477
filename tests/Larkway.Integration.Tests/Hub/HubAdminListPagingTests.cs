using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.BitableSync;
using Larkway.Hub.Directory;
using Larkway.Hub.Identity.Sessions;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The administration lists of sign-in apps, sessions, Bitable syncs, their passes and directory runs are pages with a
/// maximum (issue 28 §3): walked page by page they give every row once, in their order, even with rows added between
/// pages; a limit over the maximum, a cursor of the wrong form and a cursor no page handed out are 400s naming the parameter.
/// </summary>
public sealed class HubAdminListPagingTests : IAsyncLifetime
{
    private HubSandbox _hub = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubSandbox.StartAsync();
        _admin = new HttpClient { BaseAddress = _hub.Host.BaseUrl };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task Sign_in_apps_are_pages_in_id_order()
    {
        var made = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            made.Add(await CreateClientAsync($"app {i}"));
        }

        var seen = await WalkAsync("/api/v1/identity/clients", "client_id", limit: 2, between: async () => made.Add(await CreateClientAsync("added while paging")));

        // Every app that existed when the walk began, once, in id order; the one added in between at most once.
        seen.ShouldBe(seen.Order(StringComparer.Ordinal).ToList());
        seen.Distinct().Count().ShouldBe(seen.Count);
        made.Take(5).ShouldBeSubsetOf(seen);
        await RefusedAsync("/api/v1/identity/clients?limit=201", "limit");
        await RefusedAsync("/api/v1/identity/clients?after=lkc_nothex", "after");
    }

    [Fact]
    public async Task Sessions_are_pages_newest_sign_in_first_and_ties_in_id_order()
    {
        var sessions = _hub.Host.Services.GetRequiredService<SessionStore>();
        for (var i = 0; i < 7; i++)
        {
            await sessions.CreateAsync("per_paging", "pwd", null, CancellationToken.None); // many in one second: the same sign-in time
        }

        var expected = (await sessions.ListActiveAsync("per_paging", after: null, 100, CancellationToken.None))!.Select(s => s.Id).ToList();
        var seen = await WalkAsync("/api/v1/identity/sessions?person=per_paging", "id", limit: 3,
            between: () => sessions.CreateAsync("per_paging", "pwd", null, CancellationToken.None));

        // The sessions there when the walk began, each once and in order; one signed in meanwhile (the same second, so
        // placed by its id) at most once.
        seen.Where(expected.Contains).ShouldBe(expected);
        seen.Distinct().Count().ShouldBe(seen.Count);
        seen.Count.ShouldBeLessThanOrEqualTo(expected.Count + 1);
        await RefusedAsync("/api/v1/identity/sessions?limit=1001", "limit");
        await RefusedAsync("/api/v1/identity/sessions?after=ses_0123456789abcdef0123456789abcdef", "after"); // the right form, no such session
    }

    [Fact]
    public async Task Bitable_syncs_and_a_syncs_passes_are_pages()
    {
        var store = _hub.Host.Services.GetRequiredService<BitableSyncStore>();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = "bsy_" + Guid.NewGuid().ToString("N");
            await store.AddAsync(new BitableSyncRow
            {
                Id = id, Name = $"paging {i}", AppToken = "bascnPaging", TableId = "tblPaging", DatabaseKind = SyncDatabaseKind.Sqlite, TableName = "orders",
                State = SyncState.Paused, MappingJson = new SyncMapping("order_no", "fldKey", [new SyncColumnMapping("order_no", "fldKey")]).ToJson(),
                Direction = SyncDirection.ToBitable, IntervalSeconds = 3600, FullDiffEvery = 60, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            }, CancellationToken.None);
            ids.Add(id);
        }

        var syncs = await WalkAsync("/api/v1/bitable-syncs", "id", limit: 2);
        syncs.ShouldBe(syncs.Order(StringComparer.Ordinal).ToList());
        syncs.Where(ids.Contains).Count().ShouldBe(5);
        syncs.Distinct().Count().ShouldBe(syncs.Count);

        var db = await _hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            for (var i = 0; i < 5; i++)
            {
                db.BitableSyncPasses.Add(new BitableSyncPassRow { SyncId = ids[0], Kind = "full", StartedAt = DateTimeOffset.UtcNow, EndedAt = DateTimeOffset.UtcNow, Outcome = "ok", ToBitable = i });
            }

            await db.SaveChangesAsync();
        }

        var passes = await WalkAsync($"/api/v1/bitable-syncs/{ids[0]}/passes", "id", limit: 2);
        passes.Select(long.Parse).ShouldBe(passes.Select(long.Parse).OrderDescending().ToList(), "newest first");
        passes.Count.ShouldBe(5);
        await RefusedAsync("/api/v1/bitable-syncs?limit=0", "limit");
        await RefusedAsync("/api/v1/bitable-syncs?after=../../x", "after");
        await RefusedAsync($"/api/v1/bitable-syncs/{ids[0]}/passes?after=latest", "after");
    }

    [Fact]
    public async Task Directory_runs_are_pages_newest_first()
    {
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var db = await _hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            for (var i = 0; i < 6; i++)
            {
                // Pairs that started in the same millisecond: the id orders them.
                db.DirectorySyncRuns.Add(new DirectorySyncRunRow { Id = "dsr_" + Guid.NewGuid().ToString("N"), Trigger = "api", Status = DirectorySyncStatus.Completed, StartedAt = start.AddMinutes(i / 2) });
            }

            await db.SaveChangesAsync();
        }

        var expected = (await _hub.Host.Services.GetRequiredService<DirectoryService>().ListRunsAsync(100, after: null, CancellationToken.None))!.Select(r => r.Run.Id).ToList();
        expected.Count.ShouldBeGreaterThanOrEqualTo(6);
        var seen = await WalkAsync("/api/v1/directory/sync", "id", limit: 4);
        seen.ShouldBe(expected);
        await RefusedAsync("/api/v1/directory/sync?limit=500", "limit");
        await RefusedAsync("/api/v1/directory/sync?after=dsr_0123456789abcdef0123456789abcdef", "after");
    }

    /// <summary>Every page of a list, following <c>next</c>; <paramref name="between"/> runs after the first page.</summary>
    private async Task<List<string>> WalkAsync(string path, string idName, int limit, Func<Task>? between = null)
    {
        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            using var reply = await _admin.GetAsync($"{path}{separator}limit={limit}" + (next is null ? "" : $"&after={Uri.EscapeDataString(next)}"));
            var text = await reply.Content.ReadAsStringAsync();
            reply.StatusCode.ShouldBe(HttpStatusCode.OK, text);
            var page = JsonDocument.Parse(text).RootElement;
            var items = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(idName).ValueKind == JsonValueKind.Number ? i.GetProperty(idName).GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : i.GetProperty(idName).GetString()!).ToList();
            items.Count.ShouldBeLessThanOrEqualTo(limit);
            seen.AddRange(items);
            next = page.TryGetProperty("next", out var n) ? n.GetString() : null;
            if (next is not null)
            {
                items.Count.ShouldBe(limit, "only the last page is short");
                next.ShouldBe(items[^1], "next is the last row shown");
            }

            if (pages++ == 0 && between is not null)
            {
                await between();
            }
        }
        while (next is not null);

        pages.ShouldBeGreaterThan(1, "the list needed more than one page");
        return seen;
    }

    private async Task RefusedAsync(string path, string parameter)
    {
        using var reply = await _admin.GetAsync(path);
        var text = await reply.Content.ReadAsStringAsync();
        reply.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        reply.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray().ShouldContain(e => e.GetProperty("field").GetString() == parameter, text);
    }

    private async Task<string> CreateClientAsync(string name)
    {
        using var reply = await _admin.PostAsJsonAsync("/api/v1/identity/clients", new { name, redirect_uris = new[] { "https://paging.example.com/cb" } });
        var text = await reply.Content.ReadAsStringAsync();
        reply.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("client_id").GetString()!;
    }
}
