using System.Text.Json;
using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Docs;

/// <summary>wiki v2 spaces and nodes (paging with permission filtering), drive files, metas, root folder and public settings.</summary>
public sealed class WikiAndDriveTests
{
    private const string Spaces = DocsApi.Spaces;

    [Fact]
    public async Task Spaces_list_only_what_the_caller_is_a_member_of_and_a_filtered_page_can_be_empty_with_has_more()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        var bob = await DocsApi.UserTokenAsync(emulator, "bob@example.com");

        // Spaces sort by space_id: Handbook (…001), People Ops (…002), then the public Larkway Guides (…003). Bob sees the
        // first and the last.
        using (var page1 = await emulator.GetAsync($"{Spaces}?page_size=1", bob))
        {
            Assert.Equal(DefaultDocs.HandbookSpaceId, Assert.Single(page1.Data.GetProperty("items").EnumerateArray()).GetProperty("space_id").GetString());
            Assert.True(page1.Data.GetProperty("has_more").GetBoolean());
            using var page2 = await emulator.GetAsync($"{Spaces}?page_size=1&page_token={page1.Data.GetProperty("page_token").GetString()}", bob);
            Assert.Equal(0, page2.Data.GetProperty("items").GetArrayLength());
            Assert.True(page2.Data.GetProperty("has_more").GetBoolean());
            using var page3 = await emulator.GetAsync($"{Spaces}?page_size=1&page_token={page2.Data.GetProperty("page_token").GetString()}", bob);
            Assert.Equal("Larkway Guides", Assert.Single(page3.Data.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
            Assert.False(page3.Data.GetProperty("has_more").GetBoolean());
        }

        // The app is a member of the three seeded spaces (through the group, and directly); a public space shows to an app
        // only when it is a member (public means every user of the tenant).
        using (var all = await emulator.GetAsync($"{Spaces}?page_size=50", app))
        {
            Assert.Equal(
                [DefaultDocs.HandbookSpaceId, DefaultDocs.PeopleOpsSpaceId, DefaultDocs.GuidesSpaceId],
                all.Data.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("space_id").GetString()));
            var space = all.Data.GetProperty("items")[0];
            Assert.Equal("Employee Handbook", space.GetProperty("name").GetString());
            Assert.Equal("team", space.GetProperty("space_type").GetString());
            Assert.Equal("private", space.GetProperty("visibility").GetString());
        }

        using var tooBig = await emulator.GetAsync($"{Spaces}?page_size=51", app);
        Assert.Equal(99992402, tooBig.Code);
        using var forbidden = await emulator.GetAsync($"{Spaces}/{DefaultDocs.PeopleOpsSpaceId}", bob);
        Assert.Equal(131006, forbidden.Code);
        Assert.Equal(400, forbidden.Status);
        using var missing = await emulator.GetAsync($"{Spaces}/7000000000000000009", bob);
        Assert.Equal(131005, missing.Code);
        using var got = await emulator.GetAsync($"{Spaces}/{DefaultDocs.HandbookSpaceId}", bob);
        Assert.Equal("Employee Handbook", got.Data.GetProperty("space").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Get_node_resolves_node_and_object_tokens_and_nodes_page_with_has_child()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        using (var node = await emulator.GetAsync($"{Spaces}/get_node?token={DefaultDocs.WelcomeNode}", app))
        {
            Assert.True(node.Code == 0, node.Text);
            var n = node.Data.GetProperty("node");
            Assert.Equal(DefaultDocs.WelcomeDocument, n.GetProperty("obj_token").GetString());
            Assert.Equal("docx", n.GetProperty("obj_type").GetString());
            Assert.Equal(DefaultDocs.HandbookSpaceId, n.GetProperty("space_id").GetString());
            Assert.Equal("origin", n.GetProperty("node_type").GetString());
            Assert.True(n.GetProperty("has_child").GetBoolean());
            Assert.Equal(string.Empty, n.GetProperty("parent_node_token").GetString());
            Assert.Equal(emulator.User("alice@example.com").OpenId, n.GetProperty("owner").GetString());
            Assert.Matches("^[0-9]+$", n.GetProperty("obj_edit_time").GetString()!);
        }

        using (var byObject = await emulator.GetAsync($"{Spaces}/get_node?token={DefaultDocs.TimeOffDocument}&obj_type=docx", app))
        {
            Assert.Equal(DefaultDocs.TimeOffNode, byObject.Data.GetProperty("node").GetProperty("node_token").GetString());
            Assert.Equal(DefaultDocs.WelcomeNode, byObject.Data.GetProperty("node").GetProperty("parent_node_token").GetString());
        }

        using (var wrongKind = await emulator.GetAsync($"{Spaces}/get_node?token={DefaultDocs.TimeOffDocument}", app))
        {
            Assert.Equal(131005, wrongKind.Code);
        }

        using (var top = await emulator.GetAsync($"{Spaces}/{DefaultDocs.HandbookSpaceId}/nodes", app))
        {
            Assert.Equal(["Welcome to Larkway", "IT and security"], top.Data.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("title").GetString()));
        }

        var titles = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            using var page = await emulator.GetAsync($"{Spaces}/{DefaultDocs.HandbookSpaceId}/nodes?parent_node_token={DefaultDocs.WelcomeNode}&page_size=2" + (token is null ? string.Empty : "&page_token=" + token), app);
            Assert.True(page.Code == 0, page.Text);
            titles.AddRange(page.Data.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("title").GetString()!));
            token = page.Data.GetProperty("has_more").GetBoolean() ? page.Data.GetProperty("page_token").GetString() : null;
            pages++;
        }
        while (token is not null);
        Assert.Equal(["Working hours and time off", "Expenses and travel", "Engineering onboarding"], titles);
        Assert.Equal(2, pages);
    }

    [Fact]
    public async Task Nodes_the_caller_cannot_read_are_filtered_from_their_page_which_may_end_empty_with_has_more()
    {
        await using var emulator = await DocsApi.StartAsync();
        string spaceId;
        using (var made = await emulator.PostJsonAsync("/_emulator/docs/spaces", new
        {
            name = "Mixed",
            owner = "alice@example.com",
            members = new[] { new { type = "user", id = "alice", role = "admin" } },
            nodes = new object[] { new { title = "Private A", content = "a" }, new { title = "Private B", content = "b" }, new { title = "Shared", content = "c" } },
        }, null))
        {
            Assert.True(made.Code == 0, made.Text);
            spaceId = made.Data.GetProperty("space_id").GetString()!;
            var shared = made.Data.GetProperty("nodes")[2].GetProperty("obj_token").GetString();
            await DocsApi.ControlAsync(emulator, HttpMethod.Post, $"/_emulator/docs/files/{shared}/members", new { type = "user", id = "bob", perm = "view" });
        }

        var bob = await DocsApi.UserTokenAsync(emulator, "bob@example.com");
        using var first = await emulator.GetAsync($"{Spaces}/{spaceId}/nodes?page_size=2", bob);
        Assert.True(first.Code == 0, first.Text);
        Assert.Equal(0, first.Data.GetProperty("items").GetArrayLength());
        Assert.True(first.Data.GetProperty("has_more").GetBoolean());
        using var second = await emulator.GetAsync($"{Spaces}/{spaceId}/nodes?page_size=2&page_token={first.Data.GetProperty("page_token").GetString()}", bob);
        Assert.Equal("Shared", Assert.Single(second.Data.GetProperty("items").EnumerateArray()).GetProperty("title").GetString());
        Assert.False(second.Data.GetProperty("has_more").GetBoolean());

        // Dave reads nothing in it: 131006.
        var dave = await DocsApi.UserTokenAsync(emulator, "dave@example.com");
        using var none = await emulator.GetAsync($"{Spaces}/{spaceId}/nodes", dave);
        Assert.Equal(131006, none.Code);
    }

    [Fact]
    public async Task Files_list_metas_root_folder_and_public_settings()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        string root;
        using (var meta = await emulator.GetAsync("/open-apis/drive/explorer/v2/root_folder/meta", app))
        {
            Assert.True(meta.Code == 0, meta.Text);
            root = meta.Data.GetProperty("token").GetString()!;
            Assert.Equal(27, root.Length);
        }

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await DocsApi.CreateDocumentAsync(emulator, app, "Doc " + i));
            emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        using (var whole = await emulator.GetAsync("/open-apis/drive/v1/files", app))
        {
            Assert.True(whole.Code == 0, whole.Text);
            Assert.Equal(["Doc 2", "Doc 1", "Doc 0"], whole.Data.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
            Assert.False(whole.Data.GetProperty("has_more").GetBoolean());
            var file = whole.Data.GetProperty("files")[0];
            Assert.Equal("docx", file.GetProperty("type").GetString());
            Assert.Equal(root, file.GetProperty("parent_token").GetString());
            Assert.EndsWith("/docx/" + ids[2], file.GetProperty("url").GetString(), StringComparison.Ordinal);
        }

        using (var page = await emulator.GetAsync($"/open-apis/drive/v1/files?folder_token={root}&page_size=2&order_by=CreatedTime&direction=ASC", app))
        {
            Assert.Equal(["Doc 0", "Doc 1"], page.Data.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
            Assert.True(page.Data.GetProperty("has_more").GetBoolean());
            using var next = await emulator.GetAsync($"/open-apis/drive/v1/files?folder_token={root}&page_size=2&order_by=CreatedTime&direction=ASC&page_token={page.Data.GetProperty("next_page_token").GetString()}", app);
            Assert.Equal("Doc 2", Assert.Single(next.Data.GetProperty("files").EnumerateArray()).GetProperty("name").GetString());
        }

        using (var metas = await emulator.PostJsonAsync("/open-apis/drive/v1/metas/batch_query", new
        {
            request_docs = new[]
            {
                new { doc_token = ids[0], doc_type = "docx" },
                new { doc_token = DefaultDocs.WelcomeNode, doc_type = "wiki" },
                new { doc_token = ids[1], doc_type = "sheet" },
                new { doc_token = ids[1], doc_type = "pdf" },
            },
            with_url = true,
        }, app))
        {
            Assert.True(metas.Code == 0, metas.Text);
            var found = metas.Data.GetProperty("metas");
            Assert.Equal(["Doc 0", "Welcome to Larkway"], found.EnumerateArray().Select(m => m.GetProperty("title").GetString()));
            Assert.EndsWith("/wiki/" + DefaultDocs.WelcomeNode, found[1].GetProperty("url").GetString(), StringComparison.Ordinal);
            Assert.Equal([970005, 970002], metas.Data.GetProperty("failed_list").EnumerateArray().Select(f => f.GetProperty("code").GetInt32()));
        }

        var bob = await DocsApi.UserTokenAsync(emulator, "bob@example.com");
        using (var denied = await emulator.PostJsonAsync("/open-apis/drive/v1/metas/batch_query", new { request_docs = new[] { new { doc_token = ids[0], doc_type = "docx" } } }, bob))
        {
            Assert.Equal(970003, denied.Data.GetProperty("failed_list")[0].GetProperty("code").GetInt32());
        }

        using (var settings = await emulator.GetAsync($"/open-apis/drive/v2/permissions/{ids[0]}/public?type=docx", app))
        {
            var p = settings.Data.GetProperty("permission_public");
            Assert.Equal("closed", p.GetProperty("link_share_entity").GetString());
            Assert.Equal("closed", p.GetProperty("external_access_entity").GetString());
            Assert.False(p.GetProperty("lock_switch").GetBoolean());
        }

        using (var anyone = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"/open-apis/drive/v2/permissions/{ids[0]}/public?type=docx", new { link_share_entity = "anyone_readable" }, app))
        {
            Assert.Equal(1063003, anyone.Code);
        }

        using (var bad = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"/open-apis/drive/v2/permissions/{ids[0]}/public?type=docx", new { link_share_entity = "everyone" }, app))
        {
            Assert.Equal(1063001, bad.Code);
        }

        using (var open = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"/open-apis/drive/v2/permissions/{ids[0]}/public?type=docx", new { external_access_entity = "open", link_share_entity = "anyone_readable" }, app))
        {
            Assert.True(open.Code == 0, open.Text);
        }

        using var v1 = await emulator.GetAsync($"/open-apis/drive/v1/permissions/{ids[0]}/public?type=docx", app);
        Assert.True(v1.Data.GetProperty("permission_public").GetProperty("external_access").GetBoolean());
        Assert.Equal("anyone_readable", v1.Data.GetProperty("permission_public").GetProperty("link_share_entity").GetString());
    }

    [Fact]
    public async Task Members_update_delete_and_transfer_owner()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, app);
        var carol = emulator.User("carol@example.com");
        var carolOpenId = emulator.State.OpenIdFor(emulator.Options.AppId, carol);
        using (var add = await emulator.PostJsonAsync($"/open-apis/drive/v1/permissions/{id}/members?type=docx", new { member_type = "openid", member_id = carolOpenId, perm = "view", type = "user" }, app))
        {
            Assert.True(add.Code == 0, add.Text);
        }

        using (var update = await DocsApi.SendAsync(emulator, HttpMethod.Put, $"/open-apis/drive/v1/permissions/{id}/members/{carolOpenId}?type=docx", new { member_type = "openid", perm = "edit" }, app))
        {
            Assert.True(update.Code == 0, update.Text);
            Assert.Equal("edit", update.Data.GetProperty("member").GetProperty("perm").GetString());
        }

        // The owner transfers to Carol and keeps view; Carol is no longer a member but the owner.
        using (var transfer = await emulator.PostJsonAsync($"/open-apis/drive/v1/permissions/{id}/members/transfer_owner?type=docx&old_owner_perm=view", new { member_type = "email", member_id = "carol@example.com" }, app))
        {
            Assert.True(transfer.Code == 0, transfer.Text);
        }

        using (var list = await emulator.GetAsync($"/open-apis/drive/v1/permissions/{id}/members?type=docx", app))
        {
            var member = Assert.Single(list.Data.GetProperty("items").EnumerateArray());
            Assert.Equal("view", member.GetProperty("perm").GetString());
            Assert.Equal(emulator.State.FindApp(emulator.Options.AppId)!.BotOpenId, member.GetProperty("member_id").GetString());
        }

        using (var again = await emulator.PostJsonAsync($"/open-apis/drive/v1/permissions/{id}/members/transfer_owner?type=docx", new { member_type = "userid", member_id = "bob" }, app))
        {
            Assert.Equal(1063002, again.Code);
        }

        var carolToken = await DocsApi.UserTokenAsync(emulator, "carol@example.com");
        using (var remove = await DocsApi.SendAsync(emulator, HttpMethod.Delete, $"/open-apis/drive/v1/permissions/{id}/members/{emulator.State.FindApp(emulator.Options.AppId)!.BotOpenId}?type=docx&member_type=openid", null, carolToken))
        {
            Assert.True(remove.Code == 0, remove.Text);
        }

        using var closed = await emulator.GetAsync($"{DocsApi.Documents}/{id}", app);
        Assert.Equal(1770032, closed.Code);
    }
}
