using Larkway.Feishu.Approval;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Approval;

public class ApprovalCommentsClientTests
{
    [Fact]
    public async Task Create_sends_the_text_as_a_json_content_string_with_the_user_in_the_query()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"comment_id":"C1"}"""));
        using var client = TestClients.Create(stub);

        var id = await client.Approval.Comments.CreateAsync("INST-1", "ou_1", new ApprovalCommentCreate { Text = "请看 @张三", Mentions = [new ApprovalCommentMention("ou_3", "张三", 3)] });

        Assert.Equal("C1", id);
        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal((HttpMethod.Post, "/open-apis/approval/v4/instances/INST-1/comments", "?user_id_type=open_id&user_id=ou_1"), (call.Method, call.Path, call.Query));
        Assert.Equal("""{"content":"{\"text\":\"请看 @张三\"}","at_info_list":[{"user_id":"ou_3","name":"张三","offset":"3"}]}""", call.Body);
    }

    [Fact]
    public async Task List_parses_comments_with_replies_and_walks_pages()
    {
        var stub = new StubHandler((_, n) => n == 1
            ? Responses.Ok("""{"comments":[{"id":"C1","content":"{\"text\":\"hi\"}","create_time":"1769821200000","update_time":"1769821200000","is_delete":0,"commentator":"ou_1","replies":[{"id":"C2","content":"not json","create_time":"1769821201000","is_delete":1}]}],"has_more":true,"page_token":"p2"}""")
            : Responses.Ok("""{"comments":[],"has_more":false}"""));
        using var client = TestClients.Create(stub);

        var comments = await client.Approval.Comments.ListAsync("INST-1", "ou_1", pageSize: 10).ToListAsync();

        Assert.Equal(["?user_id_type=open_id&user_id=ou_1&page_size=10", "?user_id_type=open_id&user_id=ou_1&page_size=10&page_token=p2"], stub.ApiCalls.Select(c => c.Query));
        var comment = Assert.Single(comments);
        Assert.Equal(("C1", "hi", "ou_1", false, ApprovalFixtures.Nine), (comment.Id, comment.Text, comment.Commentator, comment.IsDeleted, comment.CreateTime));
        var reply = Assert.Single(comment.Replies);
        Assert.Equal(("not json", true, (DateTimeOffset?)null), (reply.Text, reply.IsDeleted, reply.UpdateTime));
    }

    [Fact]
    public async Task Delete_and_remove_all_use_the_documented_paths()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Approval.Comments.DeleteAsync("INST-1", "C1", "ou_1");
        await client.Approval.Comments.RemoveAllAsync("INST-1", "ou_1");

        Assert.Equal(
            [(HttpMethod.Delete, "/open-apis/approval/v4/instances/INST-1/comments/C1"), (HttpMethod.Post, "/open-apis/approval/v4/instances/INST-1/comments/remove")],
            stub.ApiCalls.Select(c => (c.Method, c.Path)));
    }

    [Fact]
    public async Task A_comment_without_text_or_user_is_refused_before_sending()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.Comments.CreateAsync("INST-1", "ou_1", new ApprovalCommentCreate { Text = " " }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.Comments.CreateAsync("INST-1", "", new ApprovalCommentCreate { Text = "x" }));
        Assert.Throws<ArgumentException>(() => client.Approval.Comments.ListAsync("", "ou_1"));

        Assert.Empty(stub.Requests);
    }
}
