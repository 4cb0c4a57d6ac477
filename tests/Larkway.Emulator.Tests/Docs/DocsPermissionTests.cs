using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Docs;

/// <summary>
/// Who may read and edit what, as Feishu decides it: the app with a tenant token, a user with a user token; owner,
/// members (user, chat, department with its sub-departments), wiki space members, folders, link sharing.
/// </summary>
public sealed class DocsPermissionTests
{
    private const string Documents = DocsApi.Documents;

    private static async Task<int> ReadAsync(TestEmulator emulator, string token, string documentId)
    {
        using var reply = await emulator.GetAsync($"{Documents}/{documentId}/raw_content", token);
        return reply.Code;
    }

    private static async Task<int> EditAsync(TestEmulator emulator, string token, string documentId)
    {
        using var reply = await DocsApi.AddChildrenAsync(emulator, token, documentId, [DocsApi.Text("edit")]);
        return reply.Code;
    }

    [Fact]
    public async Task A_document_a_user_owns_is_closed_to_the_app_and_others_until_shared_and_the_answer_says_whom_to_ask()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        var alice = await DocsApi.UserTokenAsync(emulator, "alice@example.com");
        var bob = await DocsApi.UserTokenAsync(emulator, "bob@example.com");
        var id = await DocsApi.CreateDocumentAsync(emulator, alice, "Alice's draft");

        Assert.Equal(0, await ReadAsync(emulator, alice, id));
        using (var denied = await emulator.GetAsync($"{Documents}/{id}", bob))
        {
            Assert.Equal(1770032, denied.Code);
            Assert.Equal(403, denied.Status);
            Assert.Contains("Bob Li", denied.Msg, StringComparison.Ordinal);
            Assert.Contains("ask its owner, Alice Chen", denied.Msg, StringComparison.Ordinal);
        }

        using (var appDenied = await emulator.GetAsync($"{Documents}/{id}", app))
        {
            Assert.Equal(1770032, appDenied.Code);
            Assert.Contains("document app", appDenied.Msg, StringComparison.Ordinal);
        }

        // Alice shares it with Bob (view) by user_id: Bob reads, cannot edit.
        using (var share = await emulator.PostJsonAsync($"/open-apis/drive/v1/permissions/{id}/members?type=docx", new { member_type = "userid", member_id = "bob", perm = "view", type = "user" }, alice))
        {
            Assert.True(share.Code == 0, share.Text);
            Assert.Equal("bob", share.Data.GetProperty("member").GetProperty("member_id").GetString());
        }

        Assert.Equal(0, await ReadAsync(emulator, bob, id));
        Assert.Equal(1770032, await EditAsync(emulator, bob, id));

        // The app's own token still cannot: a user's permission is not the app's.
        Assert.Equal(1770032, await ReadAsync(emulator, app, id));

        // Granting the app (add document app) opens it to the app only.
        await DocsApi.ControlAsync(emulator, HttpMethod.Post, $"/_emulator/docs/files/{id}/apps", new { perm = "edit" });
        Assert.Equal(0, await EditAsync(emulator, app, id));
        var dave = await DocsApi.UserTokenAsync(emulator, "dave@example.com");
        Assert.Equal(1770032, await ReadAsync(emulator, dave, id));
    }

    [Fact]
    public async Task Chat_department_and_link_share_members_reach_the_right_people()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, app, "Team notes");
        var alice = await DocsApi.UserTokenAsync(emulator, "alice@example.com");
        var carol = await DocsApi.UserTokenAsync(emulator, "carol@example.com");
        var dave = await DocsApi.UserTokenAsync(emulator, "dave@example.com");
        Assert.Equal(1770032, await ReadAsync(emulator, alice, id));

        // The Engineering chat (Alice and Bob, with the bot): the app may add it because its bot is in it.
        using (var chat = await emulator.PostJsonAsync($"/open-apis/drive/v1/permissions/{id}/members?type=docx", new { member_type = "openchat", member_id = emulator.EngineeringChat.ChatId, perm = "edit", type = "chat" }, app))
        {
            Assert.True(chat.Code == 0, chat.Text);
        }

        Assert.Equal(0, await EditAsync(emulator, alice, id));
        Assert.Equal(1770032, await ReadAsync(emulator, carol, id));

        // A department cannot be added with a tenant token; a sub-department's member is reached through its parent.
        using (var tenantDept = await emulator.PostJsonAsync($"/open-apis/drive/v1/permissions/{id}/members?type=docx", new { member_type = "opendepartmentid", member_id = emulator.State.FindDepartment("department_id", "sales")!.OpenDepartmentId, perm = "view" }, app))
        {
            Assert.Equal(1063003, tenantDept.Code);
        }

        using (var team = await emulator.PostJsonAsync("/_emulator/contact/departments", new { name = "Key accounts", department_id = "keyacc", parent = "sales" }, null))
        {
            Assert.True(team.Code == 0, team.Text);
        }

        using (var move = await DocsApi.SendAsync(emulator, HttpMethod.Patch, "/_emulator/contact/users/dave", new { department_ids = new[] { "keyacc" } }, null))
        {
            Assert.True(move.Code == 0, move.Text);
        }

        await DocsApi.ControlAsync(emulator, HttpMethod.Post, $"/_emulator/docs/files/{id}/members", new { type = "department", id = "sales", perm = "view" });
        Assert.Equal(0, await ReadAsync(emulator, dave, id));
        Assert.Equal(0, await ReadAsync(emulator, carol, id));
        Assert.Equal(1770032, await EditAsync(emulator, carol, id));

        // Link sharing: tenant_editable lets any user of the tenant edit, never the app by itself.
        var other = await emulator.AddAppAsync("cli_other0000000001");
        Assert.Equal(1770032, await ReadAsync(emulator, other, id));
        using (var patch = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"/open-apis/drive/v2/permissions/{id}/public?type=docx", new { link_share_entity = "tenant_editable" }, app))
        {
            Assert.True(patch.Code == 0, patch.Text);
            Assert.Equal("tenant_editable", patch.Data.GetProperty("permission_public").GetProperty("link_share_entity").GetString());
        }

        Assert.Equal(0, await EditAsync(emulator, carol, id));
        Assert.Equal(1770032, await ReadAsync(emulator, other, id));
    }

    [Fact]
    public async Task The_seeded_handbook_is_open_to_everyone_and_the_bot_while_salary_bands_is_closed_to_bob()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        var bob = await DocsApi.UserTokenAsync(emulator, "bob@example.com");
        var carol = await DocsApi.UserTokenAsync(emulator, "carol@example.com");
        foreach (var document in new[] { DefaultDocs.WelcomeDocument, DefaultDocs.TimeOffDocument, DefaultDocs.ExpensesDocument, DefaultDocs.OnboardingDocument, DefaultDocs.SecurityDocument })
        {
            Assert.Equal(0, await ReadAsync(emulator, app, document));
            Assert.Equal(0, await ReadAsync(emulator, bob, document));
        }

        Assert.Equal(0, await ReadAsync(emulator, app, DefaultDocs.SalaryBandsDocument));
        Assert.Equal(0, await ReadAsync(emulator, carol, DefaultDocs.SalaryBandsDocument));
        Assert.Equal(1770032, await ReadAsync(emulator, bob, DefaultDocs.SalaryBandsDocument));
        using var node = await emulator.GetAsync($"{DocsApi.Spaces}/get_node?token={DefaultDocs.SalaryBandsNode}", bob);
        Assert.Equal(131006, node.Code);
        var raw = await DocsApi.RawAsync(emulator, app, DefaultDocs.SalaryBandsDocument);
        Assert.Contains("Senior engineer", raw.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_auth_answers_for_the_calling_identity_only()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        var bob = await DocsApi.UserTokenAsync(emulator, "bob@example.com");
        var carol = await DocsApi.UserTokenAsync(emulator, "carol@example.com");

        async Task<bool> AuthAsync(string token, string action)
        {
            using var reply = await emulator.GetAsync($"/open-apis/drive/v1/permissions/{DefaultDocs.SalaryBandsDocument}/members/auth?type=docx&action={action}", token);
            Assert.True(reply.Code == 0, reply.Text);
            return reply.Data.GetProperty("auth_result").GetBoolean();
        }

        Assert.True(await AuthAsync(app, "view"));
        Assert.True(await AuthAsync(app, "edit"));
        Assert.False(await AuthAsync(app, "manage_public"));
        Assert.False(await AuthAsync(bob, "view"));
        Assert.True(await AuthAsync(carol, "view"));
        Assert.True(await AuthAsync(carol, "share"));

        using var badAction = await emulator.GetAsync($"/open-apis/drive/v1/permissions/{DefaultDocs.SalaryBandsDocument}/members/auth?type=docx&action=fly", app);
        Assert.Equal(1063001, badAction.Code);
    }

    [Fact]
    public async Task Creating_in_a_folder_needs_edit_permission_on_it()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        string folder;
        using (var made = await emulator.PostJsonAsync("/_emulator/docs/folders", new { name = "Alice's folder", owner = "alice@example.com" }, null))
        {
            Assert.True(made.Code == 0, made.Text);
            folder = made.Data.GetProperty("folder_token").GetString()!;
        }

        using (var denied = await emulator.PostJsonAsync(Documents, new { title = "x", folder_token = folder }, app))
        {
            Assert.Equal(1770040, denied.Code);
            Assert.Equal(403, denied.Status);
        }

        using (var missing = await emulator.PostJsonAsync(Documents, new { title = "x", folder_token = new string('F', 27) }, app))
        {
            Assert.Equal(1770039, missing.Code);
        }

        // Shared with a group holding the bot, as the docs advise: now the app may create there, and Alice reads the result (folder owner).
        await DocsApi.ControlAsync(emulator, HttpMethod.Post, $"/_emulator/docs/files/{folder}/members", new { type = "chat", id = "Engineering", perm = "edit" });
        var id = await DocsApi.CreateDocumentAsync(emulator, app, "In Alice's folder", folder);
        var alice = await DocsApi.UserTokenAsync(emulator, "alice@example.com");
        Assert.Equal(0, await ReadAsync(emulator, alice, id));
    }

    [Fact]
    public async Task Trashed_documents_answer_1770003_and_only_full_access_manages_members()
    {
        await using var emulator = await DocsApi.StartAsync();
        var app = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, app);
        var bob = await DocsApi.UserTokenAsync(emulator, "bob@example.com");
        await DocsApi.ControlAsync(emulator, HttpMethod.Post, $"/_emulator/docs/files/{id}/members", new { type = "user", id = "bob", perm = "edit" });
        using (var add = await emulator.PostJsonAsync($"/open-apis/drive/v1/permissions/{id}/members?type=docx", new { member_type = "email", member_id = "carol@example.com", perm = "view" }, bob))
        {
            Assert.Equal(1063002, add.Code);
            Assert.Equal(403, add.Status);
        }

        using (var list = await emulator.GetAsync($"/open-apis/drive/v1/permissions/{id}/members?type=docx&fields=name", bob))
        {
            var member = Assert.Single(list.Data.GetProperty("items").EnumerateArray());
            Assert.Equal("Bob Li", member.GetProperty("name").GetString());
            Assert.Equal("edit", member.GetProperty("perm").GetString());
        }

        using (var wrongType = await emulator.GetAsync($"/open-apis/drive/v1/permissions/{id}/members?type=sheet", app))
        {
            Assert.Equal(1063001, wrongType.Code);
        }

        await DocsApi.ControlAsync(emulator, HttpMethod.Post, $"/_emulator/docs/documents/{id}/trash");
        using var gone = await emulator.GetAsync($"{Documents}/{id}", app);
        Assert.Equal(1770003, gone.Code);
        using var members = await emulator.GetAsync($"/open-apis/drive/v1/permissions/{id}/members?type=docx", app);
        Assert.Equal(1063005, members.Code);
    }
}
