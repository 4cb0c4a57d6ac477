using System.Net;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Im;

public class ChatsAndMembersTests
{
    [Fact]
    public async Task List_chats_pages_through_items()
    {
        var stub = new StubHandler((r, n) => Responses.Ok(n == 1
            ? """{"has_more":true,"page_token":"p2","items":[{"chat_id":"oc_1","name":"Ops","owner_id":"ou_1","external":false,"tenant_key":"tk","chat_status":"normal"}]}"""
            : """{"has_more":false,"page_token":"","items":[{"chat_id":"oc_2","name":"Dev"}]}"""));
        using var client = TestClients.Create(stub);

        var chats = new List<ChatSummary>();
        await foreach (var chat in client.Im.Chats.ListAsync(ChatSortOrder.ActiveTimeDescending, pageSize: 100))
        {
            chats.Add(chat);
        }

        Assert.Equal(["oc_1", "oc_2"], chats.Select(c => c.ChatId));
        Assert.Equal("Ops", chats[0].Name);
        Assert.Equal("/open-apis/im/v1/chats", stub.ApiCalls[0].Path);
        Assert.Equal("?sort_type=ByActiveTimeDesc&page_size=100", stub.ApiCalls[0].Query);
        Assert.Equal("?sort_type=ByActiveTimeDesc&page_size=100&page_token=p2", stub.ApiCalls[1].Query);
    }

    [Fact]
    public async Task Search_sends_the_query()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"has_more":false,"items":[{"chat_id":"oc_1","name":"运维"}]}"""));
        using var client = TestClients.Create(stub);

        var found = new List<ChatSummary>();
        await foreach (var chat in client.Im.Chats.SearchAsync("运维"))
        {
            found.Add(chat);
        }

        Assert.Single(found);
        Assert.Equal("/open-apis/im/v1/chats/search", stub.ApiCalls[0].Path);
        Assert.Equal("?query=" + Uri.EscapeDataString("运维"), stub.ApiCalls[0].Query);
        Assert.Throws<ArgumentException>(() => client.Im.Chats.SearchAsync(" "));
    }

    [Fact]
    public async Task Get_fills_the_chat_id_when_the_response_leaves_it_out()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"name":"Ops","chat_mode":"group","chat_type":"private","user_count":"3","bot_count":"1","owner_id":"ou_1"}"""));
        using var client = TestClients.Create(stub);

        var chat = await client.Im.Chats.GetAsync("oc_7");

        Assert.Equal("oc_7", chat.ChatId);
        Assert.Equal(("group", "private", 3, 1), (chat.ChatMode, chat.ChatType, chat.UserCount, chat.BotCount));
    }

    [Fact]
    public async Task Create_update_and_delete()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_new","name":"Ops"}"""));
        using var client = TestClients.Create(stub);

        var created = await client.Im.Chats.CreateAsync(
            new CreateChatRequest { Name = "Ops", Description = "on call", OwnerId = "ou_1", UserIdList = ["ou_1", "ou_2"], BotIdList = ["cli_b"], ChatMode = "group", ChatType = "private" },
            uuid: "u-1");
        await client.Im.Chats.UpdateAsync("oc_new", new UpdateChatRequest { Name = "Ops 2" });
        await client.Im.Chats.DeleteAsync("oc_new");

        Assert.Equal("oc_new", created.ChatId);
        var calls = stub.ApiCalls;
        Assert.Equal((HttpMethod.Post, "/open-apis/im/v1/chats", "?user_id_type=open_id&uuid=u-1"), (calls[0].Method, calls[0].Path, calls[0].Query));
        Assert.Equal("""{"name":"Ops","description":"on call","owner_id":"ou_1","user_id_list":["ou_1","ou_2"],"bot_id_list":["cli_b"],"chat_mode":"group","chat_type":"private"}""", calls[0].Body);
        Assert.Equal((HttpMethod.Put, "/open-apis/im/v1/chats/oc_new"), (calls[1].Method, calls[1].Path));
        Assert.Equal("""{"name":"Ops 2"}""", calls[1].Body);
        Assert.Equal((HttpMethod.Delete, "/open-apis/im/v1/chats/oc_new"), (calls[2].Method, calls[2].Path));
    }

    [Fact]
    public async Task Create_and_update_check_limits_locally()
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.Chats.CreateAsync(new CreateChatRequest { UserIdList = Enumerable.Range(0, 51).Select(i => $"ou_{i}").ToArray() }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.Chats.UpdateAsync("oc_1", new UpdateChatRequest { AddMemberPermission = "only_owner" }));
    }

    [Fact]
    public async Task Add_members_reports_invalid_and_missing_ids()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"invalid_id_list":["ou_bad"],"not_existed_id_list":["ou_gone"],"pending_approval_id_list":[]}"""));
        using var client = TestClients.Create(stub);

        var result = await client.Im.ChatMembers.AddAsync("oc_1", ["ou_1", "ou_bad", "ou_gone"], MemberIdType.OpenId, AddMembersPolicy.AddValid);

        Assert.Equal(["ou_bad"], result.InvalidIds);
        Assert.Equal(["ou_gone"], result.NotExistedIds);
        Assert.Empty(result.PendingApprovalIds);
        var call = stub.ApiCalls[0];
        Assert.Equal((HttpMethod.Post, "/open-apis/im/v1/chats/oc_1/members", "?member_id_type=open_id&succeed_type=1"), (call.Method, call.Path, call.Query));
        Assert.Equal("""{"id_list":["ou_1","ou_bad","ou_gone"]}""", call.Body);
    }

    [Fact]
    public async Task Remove_members_is_a_delete_with_a_json_body()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"invalid_id_list":[]}"""));
        using var client = TestClients.Create(stub);

        var invalid = await client.Im.ChatMembers.RemoveAsync("oc_1", ["cli_bot"], MemberIdType.AppId);

        Assert.Empty(invalid);
        var call = stub.ApiCalls[0];
        Assert.Equal((HttpMethod.Delete, "?member_id_type=app_id"), (call.Method, call.Query));
        Assert.Equal("""{"id_list":["cli_bot"]}""", call.Body);
    }

    [Fact]
    public async Task Member_lists_are_checked_locally()
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.ChatMembers.AddAsync("oc_1", []));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.ChatMembers.AddAsync("oc_1", Enumerable.Range(0, 51).Select(i => $"ou_{i}")));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.ChatMembers.AddAsync("oc_1", ["cli_1", "cli_2", "cli_3", "cli_4", "cli_5", "cli_6"], MemberIdType.AppId));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Im.ChatMembers.AddAsync("", ["ou_1"]));
        Assert.Throws<ArgumentException>(() => client.Im.ChatMembers.ListAsync("oc_1", MemberIdType.AppId));
    }

    [Fact]
    public async Task List_members_and_is_in_chat()
    {
        var stub = new StubHandler((r, _) => Responses.Ok(r.Path.EndsWith("/is_in_chat", StringComparison.Ordinal)
            ? """{"is_in_chat":true}"""
            : """{"has_more":false,"member_total":1,"items":[{"member_id_type":"open_id","member_id":"ou_1","name":"Alice","tenant_key":"tk"}]}"""));
        using var client = TestClients.Create(stub);

        var page = await FirstPageAsync(client.Im.ChatMembers.ListAsync("oc_1"));
        var isIn = await client.Im.ChatMembers.IsInChatAsync("oc_1");

        Assert.Equal(new ChatMember("open_id", "ou_1", "Alice", "tk"), Assert.Single(page.Items));
        Assert.Equal(1, page.Total);
        Assert.True(isIn);
        Assert.Equal("/open-apis/im/v1/chats/oc_1/members/is_in_chat", stub.ApiCalls[1].Path);
    }

    [Fact]
    public async Task Image_upload_is_multipart_with_image_type_and_file()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"image_key":"img_v3_new"}"""));
        using var client = TestClients.Create(stub);

        var key = await client.Im.Images.UploadAsync(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "logo.png", ImageType.Avatar);

        Assert.Equal("img_v3_new", key);
        var call = stub.ApiCalls[0];
        Assert.Equal("/open-apis/im/v1/images", call.Path);
        Assert.StartsWith("multipart/form-data", call.ContentType, StringComparison.Ordinal);
        Assert.Contains("name=\"image_type\"", call.Body, StringComparison.Ordinal);
        Assert.Contains("avatar", call.Body, StringComparison.Ordinal);
        Assert.Contains("name=\"image\"; filename=\"logo.png\"", call.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("%22", call.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_upload_is_multipart_with_type_name_and_duration_in_ms()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"file_key":"file_v2_new"}"""));
        using var client = TestClients.Create(stub);
        await using var stream = new MemoryStream([1, 2, 3]);

        var key = await client.Im.Files.UploadAsync(stream, "voice.opus", FileType.Opus, TimeSpan.FromSeconds(3));

        Assert.Equal("file_v2_new", key);
        var body = stub.ApiCalls[0].Body!;
        Assert.Equal("/open-apis/im/v1/files", stub.ApiCalls[0].Path);
        foreach (var part in new[] { "name=\"file_type\"", "opus", "name=\"file_name\"", "voice.opus", "name=\"duration\"", "3000", "name=\"file\"; filename=\"voice.opus\"" })
        {
            Assert.Contains(part, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_non_ascii_file_name_is_sent_utf8_encoded()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"file_key":"file_v2_new"}"""));
        using var client = TestClients.Create(stub);

        await client.Im.Files.UploadAsync(new byte[] { 1 }, "报告.pdf", FileType.Pdf);

        Assert.Contains("filename*=utf-8''" + Uri.EscapeDataString("报告.pdf"), stub.ApiCalls[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploads_check_size_locally_and_send_nothing()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        var empty = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Images.UploadAsync(ReadOnlyMemory<byte>.Empty, "a.png"));
        var bigImage = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Images.UploadAsync(new byte[(10 * 1024 * 1024) + 1], "a.png"));
        var bigFile = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Files.UploadAsync(new MemoryStream(new byte[(30 * 1024 * 1024) + 1]), "a.pdf", FileType.Pdf));

        Assert.All([empty, bigImage, bigFile], ex => Assert.Equal(FeishuErrorCodes.InvalidRequest, ex.Code));
        Assert.Contains("empty", empty.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("10 MB", bigImage.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("30 MB", bigFile.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Image_and_file_download()
    {
        var stub = new StubHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([7, 8]) });
        using var client = TestClients.Create(stub);

        await using (var image = await client.Im.Images.DownloadAsync("img_v3_1"))
        {
            Assert.Equal([7, 8], await image.ReadAllBytesAsync());
        }

        await using (var file = await client.Im.Files.DownloadAsync("file_v2_1"))
        {
            Assert.Equal([7, 8], await file.ReadAllBytesAsync());
        }

        Assert.Equal(["/open-apis/im/v1/images/img_v3_1", "/open-apis/im/v1/files/file_v2_1"], stub.ApiCalls.Select(c => c.Path));
    }

    private static async Task<FeishuPage<T>> FirstPageAsync<T>(FeishuPageable<T> pageable)
    {
        await foreach (var page in pageable.AsPages())
        {
            return page;
        }

        throw new InvalidOperationException("no page");
    }
}
