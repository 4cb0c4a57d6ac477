using System.Net;
using System.Text.Json;
using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Approval;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Docs;

/// <summary>
/// drive.file.edit_v1 (and title_updated / trashed / deleted) go to the apps subscribed to the document, one per edit
/// operation, from API edits of any identity and from a person's edit on the web page, through the common delivery.
/// </summary>
public sealed class DocsEventTests
{
    private const string Edit = "drive.file.edit_v1";

    private static JsonElement Event(EventReceiver receiver, ReceivedRequest request) => receiver.Plain(request).GetProperty("event");

    [Fact]
    public async Task Subscribers_get_one_edit_event_per_edit_with_the_operator_from_the_api_and_from_the_page()
    {
        await using var receiver = await EventReceiver.StartAsync("docs-encrypt-key-1");
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        await ApprovalApi.SubscribeEventsAsync(emulator, receiver);
        var id = await DocsApi.CreateDocumentAsync(emulator, app, "Watched");
        var quiet = await DocsApi.CreateDocumentAsync(emulator, app, "Not watched");

        using (var before = await emulator.GetAsync($"/open-apis/drive/v1/files/{id}/get_subscribe?file_type=docx", app))
        {
            Assert.False(before.Data.GetProperty("is_subscribe").GetBoolean());
        }

        using (var subscribe = await emulator.PostJsonAsync($"/open-apis/drive/v1/files/{id}/subscribe?file_type=docx", new { }, app))
        {
            Assert.True(subscribe.Code == 0, subscribe.Text);
        }

        using (var after = await emulator.GetAsync($"/open-apis/drive/v1/files/{id}/get_subscribe?file_type=docx", app))
        {
            Assert.True(after.Data.GetProperty("is_subscribe").GetBoolean());
        }

        // An edit of the unwatched document first: it must raise nothing.
        using (var silent = await DocsApi.AddChildrenAsync(emulator, app, quiet, [DocsApi.Text("silent")]))
        {
            Assert.Equal(0, silent.Code);
        }

        using (var edit = await DocsApi.AddChildrenAsync(emulator, app, id, [DocsApi.Text("one"), DocsApi.Text("two")]))
        {
            Assert.Equal(0, edit.Code);
        }

        var first = Event(receiver, await receiver.WaitForEventAsync(Edit));
        Assert.True(receiver.SignatureValid(receiver.Requests[^1]));
        Assert.Equal("docx", first.GetProperty("file_type").GetString());
        Assert.Equal(id, first.GetProperty("file_token").GetString());
        var bot = emulator.State.FindApp(emulator.Options.AppId)!.BotOpenId;
        Assert.Equal(bot, Assert.Single(first.GetProperty("operator_id_list").EnumerateArray()).GetProperty("open_id").GetString());
        Assert.Equal(0, first.GetProperty("subscriber_id_list").GetArrayLength());

        // Bob edits with his own token (shared with edit): the operator is Bob, in the app's ids.
        await DocsApi.ControlAsync(emulator, HttpMethod.Post, $"/_emulator/docs/files/{id}/members", new { type = "user", id = "bob", perm = "edit" });
        var bobToken = await DocsApi.UserTokenAsync(emulator, "bob@example.com");
        using (var byBob = await DocsApi.AddChildrenAsync(emulator, bobToken, id, [DocsApi.Text("three")]))
        {
            Assert.Equal(0, byBob.Code);
        }

        var second = Event(receiver, await receiver.WaitForEventAsync(Edit, skip: 1));
        var bob = emulator.User("bob@example.com");
        var operatorId = Assert.Single(second.GetProperty("operator_id_list").EnumerateArray());
        Assert.Equal(emulator.State.OpenIdFor(emulator.Options.AppId, bob), operatorId.GetProperty("open_id").GetString());
        Assert.Equal("bob", operatorId.GetProperty("user_id").GetString());

        // Carol has no edit permission: the page shows her no form, and her post is refused without an event.
        using (var refused = await emulator.PostFormAsync($"/docx/{id}/edit", new() { ["operator"] = emulator.User("carol@example.com").OpenId, ["action"] = "append", ["text"] = "nope" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("1770032", Uri.UnescapeDataString(refused.Headers.Location!.ToString()), StringComparison.Ordinal);
        }

        // Bob appends a paragraph on the web page: one more revision, one more event, Bob as operator.
        using (var posted = await emulator.PostFormAsync($"/docx/{id}/edit", new() { ["operator"] = bob.OpenId, ["action"] = "append", ["text"] = "from the page" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
            Assert.Contains("revision 4", Uri.UnescapeDataString(posted.Headers.Location!.ToString()), StringComparison.Ordinal);
        }

        var third = Event(receiver, await receiver.WaitForEventAsync(Edit, skip: 2));
        Assert.Equal("bob", third.GetProperty("operator_id_list")[0].GetProperty("user_id").GetString());
        Assert.Equal("Watched\none\ntwo\nthree\nfrom the page\n", (await DocsApi.RawAsync(emulator, app, id)).GetProperty("content").GetString());

        using var log = await emulator.GetAsync("/_emulator/docs/events", null);
        var edits = log.Data.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("event_type").GetString() == Edit).ToList();
        Assert.Equal(3, edits.Count);
        Assert.All(edits, e => Assert.Equal(id, e.GetProperty("file_token").GetString()));
        Assert.Equal(3, receiver.Requests.Count(r => receiver.EventTypeOf(r) == Edit));
    }

    [Fact]
    public async Task Rename_trash_and_delete_reach_subscribers_and_only_full_access_may_subscribe()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        await ApprovalApi.SubscribeEventsAsync(emulator, receiver);

        // The app can read and edit the handbook (space member) but is no manager of it: 1069603.
        using (var refused = await emulator.PostJsonAsync($"/open-apis/drive/v1/files/{DefaultDocs.WelcomeDocument}/subscribe?file_type=docx", new { }, app))
        {
            Assert.Equal(1069603, refused.Code);
            Assert.Equal(403, refused.Status);
        }

        // Alice owns it and subscribes with her user token: she is the subscriber the events name.
        var alice = await DocsApi.UserTokenAsync(emulator, "alice@example.com");
        using (var subscribe = await emulator.PostJsonAsync($"/open-apis/drive/v1/files/{DefaultDocs.WelcomeDocument}/subscribe?file_type=docx", new { }, alice))
        {
            Assert.True(subscribe.Code == 0, subscribe.Text);
        }

        await DocsApi.ControlAsync(emulator, HttpMethod.Patch, $"/_emulator/docs/documents/{DefaultDocs.WelcomeDocument}", new { title = "Welcome aboard", user = "alice" });
        var renamed = Event(receiver, await receiver.WaitForEventAsync("drive.file.title_updated_v1"));
        Assert.Equal(DefaultDocs.WelcomeDocument, renamed.GetProperty("file_token").GetString());
        Assert.Equal("alice", renamed.GetProperty("operator_id").GetProperty("user_id").GetString());
        Assert.Equal("alice", Assert.Single(renamed.GetProperty("subscriber_id_list").EnumerateArray()).GetProperty("user_id").GetString());
        using (var node = await emulator.GetAsync($"{DocsApi.Spaces}/get_node?token={DefaultDocs.WelcomeNode}", app))
        {
            Assert.Equal("Welcome aboard", node.Data.GetProperty("node").GetProperty("title").GetString());
        }

        await DocsApi.ControlAsync(emulator, HttpMethod.Post, $"/_emulator/docs/documents/{DefaultDocs.WelcomeDocument}/trash?user=alice");
        await receiver.WaitForEventAsync("drive.file.trashed_v1");
        await DocsApi.ControlAsync(emulator, HttpMethod.Delete, $"/_emulator/docs/documents/{DefaultDocs.WelcomeDocument}?user=alice");
        await receiver.WaitForEventAsync("drive.file.deleted_v1");

        using var unsubscribe = await DocsApi.SendAsync(emulator, HttpMethod.Delete, $"/open-apis/drive/v1/files/{DefaultDocs.TimeOffDocument}/delete_subscribe?file_type=docx", null, app);
        Assert.Equal(1069605, unsubscribe.Code);
        using var unknown = await emulator.PostJsonAsync($"/open-apis/drive/v1/files/{new string('Q', 27)}/subscribe?file_type=docx", new { }, app);
        Assert.Equal(1069604, unknown.Code);
    }
}
