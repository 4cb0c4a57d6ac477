using System.Text.Json.Nodes;
using Larkway.Feishu.Docs;
using Larkway.Feishu.Tests.Cards;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Docs;

/// <summary>The wiki and drive calls' wire shapes, against a stub.</summary>
public class WikiAndDriveEndpointTests
{
    private static JsonNode Body(RecordedRequest request) => JsonNode.Parse(request.Body!)!;

    [Fact]
    public async Task A_wiki_node_resolves_to_its_document()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""
            {"node":{"space_id":"7012345678901234567","node_token":"wikcnNode123456","obj_token":"doxcnDoc1234567","obj_type":"docx","parent_node_token":"","node_type":"origin","has_child":true,"title":"Leave","obj_edit_time":"1642402428"}}
            """));
        using var client = TestClients.Create(stub);

        var node = await client.Docs.Wiki.GetNodeAsync("wikcnNode123456");

        Assert.Equal(("doxcnDoc1234567", "docx", true, null), (node.ObjToken, node.ObjType, node.IsDocx, node.ParentNodeToken));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1642402428), node.ObjEditTime);
        Assert.Equal(("/open-apis/wiki/v2/spaces/get_node", "?token=wikcnNode123456"), (stub.ApiCalls[0].Path, stub.ApiCalls[0].Query));
    }

    [Fact]
    public async Task A_walk_goes_past_empty_pages_that_say_more_follow_and_into_every_child()
    {
        // The top level: an empty first page (filtered by permission) with has_more, then two nodes, one with children.
        var stub = new StubHandler((r, _) => r.Query switch
        {
            var q when q.Contains("parent_node_token=wikParent", StringComparison.Ordinal) =>
                Responses.Ok("""{"has_more":false,"items":[{"space_id":"1","node_token":"wikChild","obj_token":"doxChild","obj_type":"docx","has_child":false}]}"""),
            var q when q.Contains("page_token=p2", StringComparison.Ordinal) =>
                Responses.Ok("""{"has_more":false,"items":[{"space_id":"1","node_token":"wikParent","obj_token":"doxParent","obj_type":"docx","has_child":true},{"space_id":"1","node_token":"wikSheet","obj_token":"shtX","obj_type":"sheet","has_child":false}]}"""),
            _ => Responses.Ok("""{"has_more":true,"page_token":"p2","items":[]}"""),
        });
        using var client = TestClients.Create(stub);

        var nodes = new List<WikiNode>();
        await foreach (var node in client.Docs.Wiki.WalkAsync("1"))
        {
            nodes.Add(node);
        }

        Assert.Equal(["wikParent", "wikSheet", "wikChild"], nodes.Select(n => n.NodeToken));
        Assert.Equal(3, stub.ApiCalls.Count);
        Assert.All(stub.ApiCalls, c => Assert.Equal("/open-apis/wiki/v2/spaces/1/nodes", c.Path));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Docs.Wiki.ListNodes("1", pageSize: 51));
    }

    [Fact]
    public async Task Members_are_added_listed_and_removed_and_the_permission_check_asks_for_the_caller()
    {
        var stub = new StubHandler((r, _) => r.Path switch
        {
            var p when p.EndsWith("/members/auth", StringComparison.Ordinal) => Responses.Ok("""{"auth_result":true}"""),
            _ when r.Method == HttpMethod.Get => Responses.Ok("""{"items":[{"member_type":"openid","member_id":"ou_alice","perm":"full_access","type":"user","name":"Alice"},{"member_type":"openchat","member_id":"oc_hr","perm":"view","type":"chat"}]}"""),
            _ when r.Method == HttpMethod.Post => Responses.Ok("""{"member":{"member_type":"openid","member_id":"ou_bob","perm":"edit","type":"user"}}"""),
            _ => Responses.Ok(),
        });
        using var client = TestClients.Create(stub);
        var permissions = client.Docs.Permissions;

        var added = await permissions.AddMemberAsync("doxcnDoc1", DriveFileType.Docx, DriveMemberType.OpenId, "ou_bob", DrivePermission.Edit);
        var members = await permissions.ListMembersAsync("doxcnDoc1", DriveFileType.Docx, withNames: true);
        var can = await client.AsUser("u-bob").Docs.Permissions.CanAsync("doxcnDoc1", DriveFileType.Docx);
        await permissions.RemoveMemberAsync("doxcnDoc1", DriveFileType.Docx, DriveMemberType.OpenChat, "oc_hr");

        Assert.Equal(new DriveMember(DriveMemberType.OpenId, "ou_bob", DrivePermission.Edit) { WireMemberType = "openid", Kind = "user" }, added);
        Assert.Equal([(DriveMemberType.OpenId, DrivePermission.FullAccess, "Alice"), (DriveMemberType.OpenChat, DrivePermission.View, null)],
            members.Select(m => (m.MemberType, m.Permission, m.Name)));
        Assert.True(can);
        var calls = stub.ApiCalls;
        Assert.Equal(("/open-apis/drive/v1/permissions/doxcnDoc1/members", "?type=docx"), (calls[0].Path, calls[0].Query));
        JsonAssert.Equal("""{"member_type":"openid","member_id":"ou_bob","perm":"edit","type":"user"}""", Body(calls[0]));
        Assert.Equal("?type=docx&fields=name%2Ctype", calls[1].Query);
        Assert.Equal(("/open-apis/drive/v1/permissions/doxcnDoc1/members/auth", "?type=docx&action=view", "Bearer u-bob"), (calls[2].Path, calls[2].Query, calls[2].Authorization));
        Assert.Equal(("DELETE", "/open-apis/drive/v1/permissions/doxcnDoc1/members/oc_hr", "?type=docx&member_type=openchat"), (calls[3].Method.Method, calls[3].Path, calls[3].Query));
    }

    [Fact]
    public async Task Ownership_is_transferred_to_a_person_and_public_settings_are_read_and_changed_on_v2()
    {
        var stub = new StubHandler((r, _) => r.Path.EndsWith("/public", StringComparison.Ordinal)
            ? Responses.Ok("""{"permission_public":{"link_share_entity":"tenant_readable","external_access_entity":"closed","lock_switch":false}}""")
            : Responses.Ok());
        using var client = TestClients.Create(stub);
        var permissions = client.Docs.Permissions;

        await permissions.TransferOwnerAsync("doxcnDoc1", DriveFileType.Docx, DriveMemberType.OpenId, "ou_alice");
        var settings = await permissions.GetPublicAsync("doxcnDoc1", DriveFileType.Docx);
        await permissions.UpdatePublicAsync("doxcnDoc1", DriveFileType.Docx, new DrivePublicSettings { LinkShareEntity = "closed" });

        Assert.True(settings.TenantCanRead);
        var calls = stub.ApiCalls;
        Assert.Equal(("/open-apis/drive/v1/permissions/doxcnDoc1/members/transfer_owner", "?type=docx&need_notification=true&remove_old_owner=false"), (calls[0].Path, calls[0].Query));
        JsonAssert.Equal("""{"member_type":"openid","member_id":"ou_alice"}""", Body(calls[0]));
        Assert.Equal(("GET", "/open-apis/drive/v2/permissions/doxcnDoc1/public"), (calls[1].Method.Method, calls[1].Path));
        Assert.Equal("PATCH", calls[2].Method.Method);
        JsonAssert.Equal("""{"link_share_entity":"closed"}""", Body(calls[2]));
        await Assert.ThrowsAsync<ArgumentException>(() => permissions.TransferOwnerAsync("doxcnDoc1", DriveFileType.Docx, DriveMemberType.OpenChat, "oc_1"));
    }

    [Fact]
    public async Task A_folder_pages_by_next_page_token_metas_report_failures_and_a_file_is_subscribed()
    {
        var stub = new StubHandler((r, _) => r.Path switch
        {
            "/open-apis/drive/v1/files" when r.Query.Contains("page_token=n2", StringComparison.Ordinal) =>
                Responses.Ok("""{"files":[{"token":"doxB","name":"B","type":"docx"}],"has_more":false}"""),
            "/open-apis/drive/v1/files" => Responses.Ok("""{"files":[{"token":"doxA","name":"A","type":"docx","modified_time":"1700000000"}],"has_more":true,"next_page_token":"n2"}"""),
            "/open-apis/drive/v1/metas/batch_query" => Responses.Ok("""{"metas":[{"doc_token":"doxA","doc_type":"docx","title":"A","url":"https://x.feishu.cn/docx/doxA"}],"failed_list":[{"token":"doxZ","code":970005}]}"""),
            _ => Responses.Ok(),
        });
        using var client = TestClients.Create(stub);

        var files = new List<DriveFile>();
        await foreach (var file in client.Docs.Files.List("fldcnRoot"))
        {
            files.Add(file);
        }

        var metas = await client.Docs.Files.GetMetasAsync([("doxA", DriveFileType.Docx), ("doxZ", DriveFileType.Docx)], withUrl: true);
        await client.Docs.Files.SubscribeAsync("doxA", DriveFileType.Docx);

        Assert.Equal(["doxA", "doxB"], files.Select(f => f.Token));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), files[0].ModifiedTime);
        Assert.Equal("A", Assert.Single(metas.Found).Title);
        Assert.Equal(("doxZ", 970005), Assert.Single(metas.Failed));
        JsonAssert.Equal("""{"request_docs":[{"doc_token":"doxA","doc_type":"docx"},{"doc_token":"doxZ","doc_type":"docx"}],"with_url":true}""", Body(stub.ApiCalls[2]));
        Assert.Equal(("/open-apis/drive/v1/files/doxA/subscribe", "?file_type=docx"), (stub.ApiCalls[3].Path, stub.ApiCalls[3].Query));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Docs.Files.GetMetasAsync([]));
    }
}
