using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Approvals;
using Larkway.Hub.BitableSync;
using Larkway.Hub.Directory;
using Larkway.Hub.Identity.Sessions;
using Larkway.Hub.Inbox;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Webhooks;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Every list of the Hub's API answers in one shape, <c>{"items": […], "next": cursor or null}</c>, paged by
/// <c>limit</c> and <c>after</c> (issue 44). Read from the route table: every endpoint named List… must be walked here,
/// so a list added later that forgets paging (or this table) fails.
/// </summary>
public sealed class HubListRoutesTests : IAsyncLifetime
{
    /// <summary>A cursor no list could have handed out: longer than any id, name or number the Hub makes.</summary>
    private static readonly string MadeUpCursor = new('x', 400);

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
    public async Task Every_list_route_walked_one_item_a_page_gives_every_item_exactly_once()
    {
        var lists = await SeedAsync();
        ListRouteNames().ShouldBe(lists.Keys.Order(StringComparer.Ordinal).ToList(), "every route named List… is walked here (a new list: page it with ListPaging, seed two items and add it)");

        foreach (var (name, list) in lists)
        {
            var before = await WholeListAsync(list);
            before.Count.ShouldBeGreaterThanOrEqualTo(2, $"{name}: seeded with two items at least, so that one a page takes two pages");
            var walked = await WalkAsync(name, list);
            var after = await WholeListAsync(list);

            walked.Distinct().Count().ShouldBe(walked.Count, $"{name}: no item twice");
            before.ShouldBeSubsetOf(walked, $"{name}: every item once");
            walked.ShouldBe(after.Where(walked.Contains).ToList(), $"{name}: in the list's order, nothing that is not in it");
        }
    }

    [Fact]
    public async Task A_bad_limit_or_a_made_up_cursor_on_any_list_is_a_400_naming_the_parameter()
    {
        var lists = await SeedAsync();
        foreach (var (name, list) in lists)
        {
            foreach (var (query, parameter) in new[] { ("limit=0", "limit"), ("limit=ten", "limit"), ("limit=100000", "limit"), ("after=" + MadeUpCursor, "after") })
            {
                using var reply = await _admin.GetAsync(With(list.Path, query));
                var text = await reply.Content.ReadAsStringAsync();
                reply.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{name} ?{query[..Math.Min(query.Length, 20)]}: {text}");
                reply.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", name);
                JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray()
                    .ShouldContain(e => e.GetProperty("field").GetString() == parameter, $"{name}: {text}");
            }
        }
    }

    /// <summary>The names of the GET endpoints under /api/ named List….</summary>
    private List<string> ListRouteNames() =>
        [.. _hub.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => (e.RoutePattern.RawText ?? "").TrimStart('/').StartsWith("api/", StringComparison.Ordinal)
                && e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName)
            .OfType<string>()
            .Where(n => n.StartsWith("List", StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)];

    /// <summary>Every list route with at least two items, and where to walk it.</summary>
    private async Task<Dictionary<string, ListRoute>> SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var services = _hub.Host.Services;
        var webhooks = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            webhooks.Add((await CreatedAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hooks", event_types = new[] { "im.message.*" }, description = $"list {i}" }, "id"))!);
            await CreatedAsync("/api/v1/api-keys", new { name = $"list {i}", types = new[] { "*" } }, "id");
            await CreatedAsync("/api/v1/identity/clients", new { name = $"list {i}", redirect_uris = new[] { "https://lists.example.com/cb" } }, "client_id");
            await CreatedAsync("/api/v1/assistants", new { name = $"list-{i}", backend = "dify", base_url = "http://127.0.0.1:9/v1", api_key = "app-list-key", apps = new[] { "default" }, enabled = i == 0 }, "name"); // an app has one enabled assistant
            await services.GetRequiredService<SessionStore>().CreateAsync("per_lists", "pwd", null, CancellationToken.None);
        }

        var sync = "bsy_" + Guid.NewGuid().ToString("N");
        var knowledge = "fks_" + Guid.NewGuid().ToString("N");
        var db = await services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            for (var i = 0; i < 2; i++)
            {
                db.Notifications.Add(new NotificationRow { Id = "ntf_" + Guid.CreateVersion7().ToString("N"), Caller = "admin", IdempotencyKey = $"list-{i}", Type = "list.test", MessageType = "interactive", Content = "{}", CreatedAt = now });
                db.Approvals.Add(new ApprovalRow { Id = "apr_" + Guid.CreateVersion7().ToString("N"), Caller = "admin", IdempotencyKey = $"list-{i}", Definition = "LIST", ApplicantType = "email", Applicant = "alice@example.com", Uuid = Guid.NewGuid().ToString("N"), CreatedAt = now });
                db.People.Add(new PersonRow { Id = "per_" + Guid.NewGuid().ToString("N"), Name = $"List {i}", Status = PersonStatus.Active, CreatedAt = now, UpdatedAt = now });
                db.Departments.Add(new DepartmentRow { OpenDepartmentId = $"od-list-{i}", Name = $"List {i}", ParentId = "0", Path = $"od-list-{i}", PathNames = $"List {i}" });
                db.DirectorySyncRuns.Add(new DirectorySyncRunRow { Id = "dsr_" + Guid.NewGuid().ToString("N"), Trigger = "api", Status = DirectorySyncStatus.Completed, StartedAt = now.AddMinutes(-i) });
                db.PersonLinkConflicts.Add(new Larkway.Hub.Directory.Links.PersonLinkConflictRow { Platform = "dingtalk", App = "dt-lists", UserId = $"list-{i}", Reason = "several_by_email", Candidates = "", FirstSeenAt = now, LastSeenAt = now });
                db.Set<Larkway.Hub.WeCom.CustomerService.KfAccountRow>().Add(new() { App = "wecom-lists", OpenKfId = $"wkList{i}", AnswerFrom = now, CreatedAt = now, UpdatedAt = now, State = WorkState.Done });
                db.InboxEvents.Add(new InboxEvent { AppName = "default", EventType = "list.test", Body = "{}"u8.ToArray(), ReceivedAt = now, State = WorkState.Done });
                db.WebhookDeliveries.Add(new WebhookDeliveryRow { SubscriptionId = webhooks[0], EventType = "im.message.receive_v1", Payload = "{}"u8.ToArray(), State = WorkState.Done, CreatedAt = now });
                db.BitableSyncPasses.Add(new BitableSyncPassRow { SyncId = sync, Kind = "full", StartedAt = now, EndedAt = now, Outcome = "ok" });
                db.BitableSyncConflicts.Add(new BitableSyncConflictRow { SyncId = sync, RowKey = $"PO-{i}", FoundAt = now });
                db.BitableSyncDeadLetters.Add(new BitableSyncDeadLetterRow { SyncId = sync, RowKey = $"PO-{i}", Direction = "to_bitable", Message = "refused", FailedAt = now, Attempts = 1 });
                db.Set<Larkway.Hub.Feishu.Docs.Knowledge.KnowledgeSyncRow>().Add(new()
                {
                    Id = i == 0 ? knowledge : "fks_" + Guid.NewGuid().ToString("N"), Name = $"list {i}", SpaceId = "7354000000000000099", DifyBaseUrl = "http://127.0.0.1:9/v1",
                    DatasetId = "list-dataset", DatasetKeyProtected = "(not used)", State = Larkway.Hub.Feishu.Docs.Knowledge.KnowledgeSyncState.Paused, IntervalSeconds = 3600, CreatedAt = now, UpdatedAt = now,
                });
                db.Set<Larkway.Hub.Feishu.Docs.Knowledge.KnowledgeDocumentRow>().Add(new()
                {
                    SyncId = knowledge, ObjToken = $"doxList{i}", ObjType = "docx", NodeToken = $"wikList{i}", Title = $"List {i}", State = Larkway.Hub.Feishu.Docs.Knowledge.KnowledgeDocumentState.Pending, UpdatedAt = now,
                });
                db.BitableSyncs.Add(new BitableSyncRow
                {
                    Id = i == 0 ? sync : "bsy_" + Guid.NewGuid().ToString("N"), Name = $"list {i}", AppToken = "bascnLists", TableId = "tblLists", DatabaseKind = SyncDatabaseKind.Sqlite, TableName = "orders",
                    State = SyncState.Paused, MappingJson = new SyncMapping("order_no", "fldKey", [new SyncColumnMapping("order_no", "fldKey")]).ToJson(),
                    Direction = SyncDirection.ToBitable, IntervalSeconds = 3600, FullDiffEvery = 60, CreatedAt = now, UpdatedAt = now,
                });
            }

            await db.SaveChangesAsync();
        }

        return new(StringComparer.Ordinal)
        {
            ["ListApps"] = new("/api/v1/apps", "name"),
            ["ListAssistants"] = new("/api/v1/assistants", "name"),
            ["ListWeComKfAccounts"] = new("/api/v1/wecom/apps/wecom-lists/customer-service/accounts", "open_kfid"),
            ["ListWebhooks"] = new("/api/v1/webhooks", "id"),
            ["ListWebhookDeliveries"] = new($"/api/v1/webhooks/{webhooks[0]}/deliveries", "id"),
            ["ListNotificationTypes"] = new("/api/v1/notification-types", "name"),
            ["ListApiKeys"] = new("/api/v1/api-keys", "id"),
            ["ListNotifications"] = new("/api/v1/notifications", "id"),
            ["ListApprovals"] = new("/api/v1/approvals", "id"),
            ["ListDirectoryPeople"] = new("/api/v1/directory/people", "id"),
            ["ListDirectoryDepartments"] = new("/api/v1/directory/departments", "id"),
            ["ListDirectorySyncs"] = new("/api/v1/directory/sync", "id"),
            ["ListKnowledgeSyncs"] = new("/api/v1/knowledge-syncs", "id"),
            ["ListKnowledgeSyncDocuments"] = new($"/api/v1/knowledge-syncs/{knowledge}/documents", "obj_token"),
            ["ListBitableSyncs"] = new("/api/v1/bitable-syncs", "id"),
            ["ListBitableSyncPasses"] = new($"/api/v1/bitable-syncs/{sync}/passes", "id"),
            ["ListBitableSyncConflicts"] = new($"/api/v1/bitable-syncs/{sync}/conflicts", "id"),
            ["ListBitableSyncDeadLetters"] = new($"/api/v1/bitable-syncs/{sync}/dead-letters", "id"),
            ["ListIdentityClients"] = new("/api/v1/identity/clients", "client_id"),
            ["ListIdentitySessions"] = new("/api/v1/identity/sessions", "id"),
            ["ListInboxEvents"] = new("/api/v1/events", "id"),
            ["ListLinkConflicts"] = new("/api/v1/directory/link-conflicts", "id"),
        };
    }

    /// <summary>The list one item a page, following <c>next</c> as <c>after</c> to the end.</summary>
    private async Task<List<string>> WalkAsync(string name, ListRoute list)
    {
        var seen = new List<string>();
        string? next = null;
        for (var pages = 0; ; pages++)
        {
            pages.ShouldBeLessThan(500, $"{name}: the walk ends");
            var (items, following) = await PageAsync(list, "limit=1" + (next is null ? "" : "&after=" + Uri.EscapeDataString(next)));
            items.Count.ShouldBeLessThanOrEqualTo(1, $"{name}: limit=1 is one item");
            seen.AddRange(items);
            if (following is null)
            {
                return seen;
            }

            items.Count.ShouldBe(1, $"{name}: a page with a next is full");
            next = following;
        }
    }

    /// <summary>The whole list in one page (the seeded lists are far below every maximum).</summary>
    private async Task<List<string>> WholeListAsync(ListRoute list)
    {
        var (items, next) = await PageAsync(list, "limit=200");
        next.ShouldBeNull($"{list.Path}: the whole list fits one page of 200");
        return items;
    }

    private async Task<(List<string> Items, string? Next)> PageAsync(ListRoute list, string query)
    {
        using var reply = await _admin.GetAsync(With(list.Path, query));
        var text = await reply.Content.ReadAsStringAsync();
        reply.StatusCode.ShouldBe(HttpStatusCode.OK, $"{list.Path}?{query}: {text}");
        var page = JsonDocument.Parse(text).RootElement;
        page.ValueKind.ShouldBe(JsonValueKind.Object, $"{list.Path}: a list answers {{items, next}}, not a bare array");
        var next = page.GetProperty("next");
        (next.ValueKind is JsonValueKind.String or JsonValueKind.Null).ShouldBeTrue($"{list.Path}: next is a string or null, not {next.ValueKind}");
        var items = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(list.IdMember) is var id && id.ValueKind == JsonValueKind.Number ? id.GetRawText() : id.GetString()!).ToList();
        return (items, next.ValueKind == JsonValueKind.String ? next.GetString() : null);
    }

    private static string With(string path, string query) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    private async Task<string?> CreatedAsync(string path, object body, string idMember)
    {
        using var reply = await _admin.PostAsJsonAsync(path, body);
        var text = await reply.Content.ReadAsStringAsync();
        reply.StatusCode.ShouldBe(HttpStatusCode.Created, $"{path}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty(idMember).GetString();
    }

    /// <summary>Where a list is and which member of an item identifies it.</summary>
    private sealed record ListRoute(string Path, string IdMember);
}
