using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.AiBackend;
using Larkway.Emulator.Seed;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// A wiki space kept in step with a Dify knowledge base, through the real wire of both against the Emulator: every
/// document open to the whole company pushed once by text, an edit made on Feishu reaching the knowledge base through the
/// edit event as an update of the same document, a trashed document taken out, a document only some people may open kept
/// out until the administrator lets restricted documents in, and the checks that refuse a sync that could not run.
/// </summary>
public sealed class HubKnowledgeSyncTests
{
    private const string DatasetKey = AiBackendOptions.DefaultDifyDatasetKey;

    [Fact]
    public async Task A_public_space_is_pushed_once_edits_update_the_same_documents_a_trashed_one_leaves_and_a_restricted_one_waits_for_the_administrator()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Admin(hub);
        var dify = new Uri(hub.Emulator.BaseUrl, "dify/v1").AbsoluteUri;

        // What an earlier sync of the space left behind (or a create whose answer a crash lost): adopted, not made twice.
        using var difyApi = new HttpClient();
        difyApi.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DatasetKey);
        using var leftOver = await difyApi.PostAsJsonAsync($"{dify}/datasets/{AiBackendOptions.DefaultDatasetId}/document/create-by-text", new { name = "Product FAQ [" + DefaultDocs.ProductFaqDocument + "]", text = "An old copy." });
        var leftOverId = (await Json(leftOver, HttpStatusCode.OK)).GetProperty("document").GetProperty("id").GetString();

        // A business system follows the sync through its webhooks.
        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/wiki-watch", event_types = new[] { "feishu.knowledge.*" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        using var created = await admin.PostAsJsonAsync("/api/v1/knowledge-syncs", new
        {
            name = "Guides",
            space_id = DefaultDocs.GuidesSpaceId,
            dify = new { dataset_id = AiBackendOptions.DefaultDatasetId, api_key = DatasetKey, base_url = dify },
        });
        var sync = await Json(created, HttpStatusCode.Created);
        var id = sync.GetProperty("id").GetString()!;
        sync.GetProperty("dify").GetProperty("api_key").GetString().ShouldBe("(stored encrypted)");
        hub.Log.ToString().ShouldNotContain(DatasetKey);

        // The four guides, each once, named by title and token, with the title and text Feishu gives.
        var pushed = await UntilAsync(hub, docs => docs.Count == 4 && docs.All(d => d.Text.StartsWith('#')), "the four guides in the knowledge base");
        pushed.Select(d => d.Name).ShouldBe(
            ["Product FAQ [" + DefaultDocs.ProductFaqDocument + "]", "Release notes 2026 [" + DefaultDocs.ReleaseNotesDocument + "]", "Support hours and escalation [" + DefaultDocs.SupportHoursDocument + "]", "Writing guide [" + DefaultDocs.WritingGuideDocument + "]"],
            ignoreOrder: true);
        var faq = pushed.Single(d => d.Name.StartsWith("Product FAQ", StringComparison.Ordinal));
        faq.Id.ShouldBe(leftOverId, "the copy already there is updated, not made twice");
        faq.Text.ShouldStartWith("# Product FAQ\n");
        faq.Text.ShouldContain("A named engineer, within 1 hour");
        await UntilDocumentsAsync(hub, id, docs => docs.Count(d => d.GetProperty("state").GetString() == "pushed" && d.GetProperty("edit_events").GetBoolean()) == 4, "four documents pushed, each followed by its edit events");

        // A person edits the FAQ on Feishu: the edit event brings the new text to the same knowledge-base document.
        using (var edit = await hub.Control.PostAsJsonAsync($"/_emulator/docs/documents/{DefaultDocs.ProductFaqDocument}/edits", new { user = "bob@example.com", text = "Refunds are paid within 14 days of a written request." }))
        {
            edit.StatusCode.ShouldBe(HttpStatusCode.OK, await edit.Content.ReadAsStringAsync());
        }

        var edited = await UntilAsync(hub, docs => docs.Any(d => d.Text.Contains("Refunds are paid within 14 days", StringComparison.Ordinal)), "the edit in the knowledge base");
        edited.Count.ShouldBe(4);
        edited.Single(d => d.Name.StartsWith("Product FAQ", StringComparison.Ordinal)).Id.ShouldBe(faq.Id, "an update of the same document, not a second one");

        // Trashed on Feishu: taken out of the knowledge base.
        using (var trash = await hub.Control.PostAsync($"/_emulator/docs/documents/{DefaultDocs.WritingGuideDocument}/trash?user=bob@example.com", null))
        {
            trash.StatusCode.ShouldBe(HttpStatusCode.OK, await trash.Content.ReadAsStringAsync());
        }

        await UntilAsync(hub, docs => docs.Count == 3 && docs.All(d => !d.Name.StartsWith("Writing guide", StringComparison.Ordinal)), "the trashed guide taken out");

        // People Ops is private: the salary bands, which only Carol (and the bot) may open, stay out and the console says why.
        using var peopleOps = await admin.PostAsJsonAsync("/api/v1/knowledge-syncs", new
        {
            name = "People Ops",
            space_id = DefaultDocs.PeopleOpsSpaceId,
            dify = new { dataset_id = AiBackendOptions.DefaultDatasetId, api_key = DatasetKey, base_url = dify },
        });
        var restrictedId = (await Json(peopleOps, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var held = await UntilDocumentsAsync(hub, restrictedId, docs => docs.Count == 1 && docs[0].GetProperty("state").GetString() == "restricted", "the salary bands kept out");
        held[0].GetProperty("why").GetString()!.ShouldContain("only some people may open it on Feishu");
        (await KnowledgeAsync(hub)).ShouldNotContain(d => d.Text.Contains("Salary bands", StringComparison.Ordinal));

        // Carol opens it to the whole company by link: the next pass pushes it. She closes the link again: the next pass
        // takes it out. No edit, no event: the sharing is judged on every pass.
        await ShareAsync(hub, DefaultDocs.SalaryBandsDocument, "tenant_readable");
        await RunAsync(admin, restrictedId);
        await UntilAsync(hub, docs => docs.Count == 4 && docs.Any(d => d.Name == "Salary bands 2025 [" + DefaultDocs.SalaryBandsDocument + "]"), "the salary bands pushed once open to the company");
        await ShareAsync(hub, DefaultDocs.SalaryBandsDocument, "closed");
        await RunAsync(admin, restrictedId);
        await UntilAsync(hub, docs => docs.Count == 3 && docs.All(d => !d.Name.StartsWith("Salary bands", StringComparison.Ordinal)), "the salary bands taken out once closed again");
        await UntilDocumentsAsync(hub, restrictedId, docs => docs.Count == 1 && docs[0].GetProperty("state").GetString() == "restricted", "the salary bands restricted again");

        // The administrator lets restricted documents in (keeping the stored key): the salary bands go in at once.
        using (var edit = await admin.PutAsJsonAsync($"/api/v1/knowledge-syncs/{restrictedId}", new
        {
            name = "People Ops",
            space_id = DefaultDocs.PeopleOpsSpaceId,
            include_restricted = true,
            dify = new { dataset_id = AiBackendOptions.DefaultDatasetId, base_url = dify },
        }))
        {
            (await Json(edit, HttpStatusCode.OK)).GetProperty("include_restricted").GetBoolean().ShouldBeTrue();
        }

        await UntilAsync(hub, docs => docs.Count == 4 && docs.Any(d => d.Name == "Salary bands 2025 [" + DefaultDocs.SalaryBandsDocument + "]"), "the salary bands pushed once allowed");

        // The webhooks told each change once, no text in them: the FAQ adopted then edited (updated twice), the other
        // guides created, the writing guide deleted, the salary bands kept out (with why), pushed, taken out, pushed.
        var changes = await ReportedAsync(hub, "feishu.knowledge.document");
        changes.Select(c => c.Id).ShouldBeUnique();
        string[] Actions(string token) => [.. changes.Where(c => c.Event.GetProperty("obj_token").GetString() == token).Select(c => c.Event.GetProperty("action").GetString()!)];
        Actions(DefaultDocs.ProductFaqDocument).ShouldBe(["updated", "updated"]);
        Actions(DefaultDocs.ReleaseNotesDocument).ShouldBe(["created"]);
        Actions(DefaultDocs.WritingGuideDocument).ShouldBe(["created", "deleted"]);
        Actions(DefaultDocs.SalaryBandsDocument).ShouldBe(["kept_out", "created", "kept_out", "created"]);
        changes.First(c => c.Event.GetProperty("action").GetString() == "kept_out").Event.GetProperty("why").GetString()!.ShouldContain("only some people may open it on Feishu");
        changes.ShouldAllBe(c => !c.Body.Contains("A named engineer", StringComparison.Ordinal) && !c.Body.Contains("360,000", StringComparison.Ordinal));
        var passes = await ReportedAsync(hub, "feishu.knowledge.pass");
        passes.Where(p => p.Event.GetProperty("sync_id").GetString() == id).ShouldContain(p => p.Event.GetProperty("kind").GetString() == "full" && p.Event.GetProperty("created").GetInt32() == 3 && p.Event.GetProperty("updated").GetInt32() == 1);
        passes.ShouldAllBe(p => p.Event.GetProperty("outcome").GetString() == "ok");
    }

    /// <summary>The webhook deliveries of <paramref name="type"/> queued so far, oldest first (one subscription).</summary>
    private static async Task<List<(string Id, string Body, JsonElement Event)>> ReportedAsync(HubSandbox hub, string type)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var rows = await db.WebhookDeliveries.AsNoTracking().Where(d => d.EventType == type).OrderBy(d => d.Id).ToListAsync();
        return [.. rows.Select(d => System.Text.Encoding.UTF8.GetString(d.Payload)).Select(b => (JsonDocument.Parse(b).RootElement.GetProperty("id").GetString()!, b, JsonDocument.Parse(b).RootElement.GetProperty("event").Clone()))];
    }

    [Fact]
    public async Task Documents_Dify_refuses_as_too_large_are_kept_failed_with_the_reason_raise_the_alert_and_go_in_once_Dify_takes_them()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Admin(hub);
        var dify = new Uri(hub.Emulator.BaseUrl, "dify/v1").AbsoluteUri;
        await LimitTextAsync(hub, 1);
        using var created = await admin.PostAsJsonAsync("/api/v1/knowledge-syncs", new
        {
            name = "Guides",
            space_id = DefaultDocs.GuidesSpaceId,
            dify = new { dataset_id = AiBackendOptions.DefaultDatasetId, api_key = DatasetKey, base_url = dify },
        });
        var id = (await Json(created, HttpStatusCode.Created)).GetProperty("id").GetString()!;

        // Every guide refused (413 file_too_large): each kept failed with Dify's reason, nothing in the knowledge base, the
        // pass itself ok (one document's refusal does not stop the others), and the alert names the sync.
        var refused = await UntilDocumentsAsync(hub, id, docs => docs.Count == 4 && docs.All(d => d.GetProperty("state").GetString() == "failed"), "the four guides refused");
        refused[0].GetProperty("why").GetString()!.ShouldContain("Dify refused it (413 file_too_large)");
        refused[0].GetProperty("why").GetString()!.ShouldContain("The next full pass tries it again.");
        (await KnowledgeAsync(hub)).ShouldBeEmpty();
        var evaluator = hub.Host.App.Services.GetRequiredService<Larkway.Hub.Alerts.AlertEvaluator>();
        var raised = (await evaluator.EvaluateAsync(default))["knowledge_sync_failures"]!;
        raised.Breached.ShouldBeTrue(raised.Detail);
        raised.Detail.ShouldContain("Guides: 4 documents refused");

        // Dify takes them again: the next full pass pushes each once, and the alert is quiet.
        await LimitTextAsync(hub, 15 * 1024 * 1024);
        await RunAsync(admin, id);
        await UntilAsync(hub, docs => docs.Count == 4, "the four guides pushed once Dify takes them");
        await UntilDocumentsAsync(hub, id, docs => docs.All(d => d.GetProperty("state").GetString() == "pushed"), "the four guides pushed");
        var quiet = (await evaluator.EvaluateAsync(default))["knowledge_sync_failures"]!;
        quiet.Breached.ShouldBeFalse(quiet.Detail);
    }

    /// <summary>The fake Dify's upload limit for a document's text.</summary>
    private static async Task LimitTextAsync(HubSandbox hub, long bytes)
    {
        using var limits = await hub.Control.PutAsJsonAsync("/_emulator/ai/knowledge/limits", new { max_text_bytes = bytes });
        limits.StatusCode.ShouldBe(HttpStatusCode.OK, await limits.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_sync_that_could_not_run_is_refused_with_the_field_to_fix_and_a_malformed_one_never_reaches_the_store()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Admin(hub);
        var dify = new Uri(hub.Emulator.BaseUrl, "dify/v1").AbsoluteUri;

        // An app's key where the knowledge key belongs, a space the app is not in, a knowledge base that is not there.
        var appKey = await RefusedAsync(hub, new { name = "x", space_id = DefaultDocs.GuidesSpaceId, dify = new { dataset_id = AiBackendOptions.DefaultDatasetId, api_key = AiBackendOptions.DefaultDifyAppKey, base_url = dify } });
        appKey.ShouldContainKey("dify.api_key");
        appKey["dify.api_key"].ShouldContain("knowledge API key");
        var space = await RefusedAsync(hub, new { name = "x", space_id = "7354999999999999999", dify = new { dataset_id = AiBackendOptions.DefaultDatasetId, api_key = DatasetKey, base_url = dify } });
        space["space_id"].ShouldContain("add the app to the space");
        var dataset = await RefusedAsync(hub, new { name = "x", space_id = DefaultDocs.GuidesSpaceId, dify = new { dataset_id = "00000000-0000-4000-8000-000000000000", api_key = DatasetKey, base_url = dify } });
        dataset["dify.dataset_id"].ShouldContain("no knowledge base");

        // Fields missing or out of range: each named, nothing checked live.
        var shape = await RefusedAsync(hub, new { space_id = "wiki-space", interval_seconds = 5, dify_requests_per_minute = 0, dify = new { } });
        shape.Keys.ShouldBe(["name", "space_id", "dify.dataset_id", "dify.api_key", "interval_seconds", "dify_requests_per_minute"], ignoreOrder: true);

        // Not JSON, a wrong type: a 400 that says what the body should be.
        using var notJson = await admin.PostAsync("/api/v1/knowledge-syncs", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        notJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var wrongType = await admin.PostAsync("/api/v1/knowledge-syncs", new StringContent("{\"name\": 5}", System.Text.Encoding.UTF8, "application/json"));
        wrongType.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var list = await admin.GetAsync("/api/v1/knowledge-syncs");
        (await Json(list, HttpStatusCode.OK)).GetProperty("items").GetArrayLength().ShouldBe(0);
        using var missing = await admin.GetAsync("/api/v1/knowledge-syncs/fks_00000000000000000000000000000000/documents");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task ShareAsync(HubSandbox hub, string document, string linkShare)
    {
        using var response = await hub.Control.PatchAsJsonAsync($"/_emulator/docs/files/{document}/public", new { link_share_entity = linkShare });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task RunAsync(HttpClient admin, string id)
    {
        using var response = await admin.PostAsync($"/api/v1/knowledge-syncs/{id}/run", null);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_sandbox_keeps_the_emulators_public_guides_in_its_knowledge_base()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Knowledge"] = "true" });
        using var admin = Admin(hub);
        using var list = await admin.GetAsync("/api/v1/knowledge-syncs");
        var sync = (await Json(list, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single();
        sync.GetProperty("name").GetString().ShouldBe("Larkway Guides");
        sync.GetProperty("space_id").GetString().ShouldBe(DefaultDocs.GuidesSpaceId);
        await UntilAsync(hub, docs => docs.Count == 4, "the four guides in the sandbox's knowledge base");
    }

    private static HttpClient Admin(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }

    private static async Task<Dictionary<string, string>> RefusedAsync(HubSandbox hub, object body)
    {
        using var admin = Admin(hub);
        using var response = await admin.PostAsJsonAsync("/api/v1/knowledge-syncs", body);
        var problem = await Json(response, HttpStatusCode.BadRequest);
        return problem.GetProperty("errors").EnumerateArray().GroupBy(e => e.GetProperty("field").GetString()!)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.GetProperty("message").GetString())));
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed record KnowledgeDocument(string Id, string Name, string Text);

    /// <summary>What the Emulator's Dify holds in the default knowledge base.</summary>
    private static async Task<IReadOnlyList<KnowledgeDocument>> KnowledgeAsync(HubSandbox hub)
    {
        using var response = await hub.Control.GetAsync("/_emulator/ai/knowledge/datasets");
        var root = await Json(response, HttpStatusCode.OK);
        var dataset = root.GetProperty("items").EnumerateArray().Single(d => d.GetProperty("id").GetString() == AiBackendOptions.DefaultDatasetId);
        return [.. dataset.GetProperty("documents").EnumerateArray().Select(d => new KnowledgeDocument(d.GetProperty("id").GetString()!, d.GetProperty("name").GetString()!, d.GetProperty("text").GetString()!))];
    }

    private static async Task<IReadOnlyList<KnowledgeDocument>> UntilAsync(HubSandbox hub, Func<IReadOnlyList<KnowledgeDocument>, bool> condition, string what)
    {
        IReadOnlyList<KnowledgeDocument> last = [];
        await hub.WaitForAsync(() => condition(last = KnowledgeAsync(hub).GetAwaiter().GetResult()), what, 60);
        return last;
    }

    private static async Task<IReadOnlyList<JsonElement>> UntilDocumentsAsync(HubSandbox hub, string id, Func<IReadOnlyList<JsonElement>, bool> condition, string what)
    {
        IReadOnlyList<JsonElement> last = [];
        using var admin = Admin(hub);
        await hub.WaitForAsync(
            () =>
            {
                using var response = admin.GetAsync($"/api/v1/knowledge-syncs/{id}/documents").GetAwaiter().GetResult();
                last = [.. Json(response, HttpStatusCode.OK).GetAwaiter().GetResult().GetProperty("items").EnumerateArray()];
                return condition(last);
            },
            what,
            60);
        return last;
    }
}
