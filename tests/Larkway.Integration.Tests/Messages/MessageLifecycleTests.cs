using System.Text.Json.Nodes;
using Larkway.Feishu;
using Larkway.Feishu.Cards;
using Larkway.Feishu.Im;
using static Larkway.Integration.Tests.Messages.SendMessageTests;

namespace Larkway.Integration.Tests.Messages;

/// <summary>Reply, thread, edit, card update, recall and get, against one Emulator.</summary>
public sealed class MessageLifecycleTests(MessagingFixture fx) : IClassFixture<MessagingFixture>
{
    private MessagesClient Messages => fx.Client.Im.Messages;

    private Task<SentMessage> SendTextAsync(string text) => Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.Text(text));

    [Fact]
    public async Task A_reply_points_at_its_parent_and_root_in_the_same_chat()
    {
        var parent = await SendTextAsync("question");

        var reply = await Messages.ReplyAsync(parent.MessageId, MessageContent.Text("answer"));
        var replyToReply = await Messages.ReplyAsync(reply.MessageId, MessageContent.Text("follow-up"));

        Assert.Equal(parent.MessageId, reply.ParentId);
        Assert.Equal(parent.MessageId, reply.RootId);
        Assert.Equal(parent.ChatId, reply.ChatId);
        Assert.Null(reply.ThreadId);
        Assert.Equal(reply.MessageId, replyToReply.ParentId);
        Assert.Equal(parent.MessageId, replyToReply.RootId);
        Assert.False(string.IsNullOrEmpty(reply.Uuid));
    }

    [Fact]
    public async Task A_reply_in_thread_opens_a_thread_that_later_replies_stay_in()
    {
        var parent = await SendTextAsync("topic starter");

        var first = await Messages.ReplyAsync(parent.MessageId, MessageContent.Text("in thread"), replyInThread: true);
        var second = await Messages.ReplyAsync(first.MessageId, MessageContent.Text("still in thread"));

        Assert.StartsWith("omt_", first.ThreadId, StringComparison.Ordinal);
        Assert.Equal(first.ThreadId, second.ThreadId);
        Assert.Equal(first.ThreadId, (await Messages.GetAsync(parent.MessageId)).ThreadId);
    }

    [Fact]
    public async Task Editing_text_and_post_changes_what_is_read_back()
    {
        var text = await SendTextAsync("draft");
        var edited = await Messages.EditAsync(text.MessageId, MessageContent.Text("final"));
        Assert.True(edited.Updated);
        var readText = await Messages.GetAsync(text.MessageId);
        Assert.Equal("final", ContentString(readText.Content, "text"));
        Assert.True(readText.Updated);

        var post = await Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), PostContent.Builder().Locale(PostContent.ZhCn, "v1", p => p.Paragraph(PostNode.Text("one"))).Build());
        await Messages.EditAsync(post.MessageId, PostContent.Builder().Locale(PostContent.ZhCn, "v2", p => p.Paragraph(PostNode.Text("two"))).Build());
        Assert.Equal("v2", ContentString((await Messages.GetAsync(post.MessageId)).Content, "title"));
    }

    [Fact]
    public async Task The_twenty_first_edit_fails_with_the_edit_limit_code()
    {
        var message = await SendTextAsync("edit me");
        for (var i = 1; i <= 20; i++)
        {
            await Messages.EditAsync(message.MessageId, MessageContent.Text($"edit {i}"));
        }

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Messages.EditAsync(message.MessageId, MessageContent.Text("edit 21")));

        Assert.Equal(FeishuErrorCodes.EditLimitReached, error.Code);
        Assert.False(error.IsTransient);
        Assert.Equal("edit 20", ContentString((await Messages.GetAsync(message.MessageId)).Content, "text"));
    }

    [Fact]
    public async Task Editing_a_card_is_refused_locally()
    {
        var card = await Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.Card(Card.V1().Header("c").Markdown("x").Build()));

        await Assert.ThrowsAsync<ArgumentException>(() => Messages.EditAsync(card.MessageId, MessageContent.Card(Card.V1().Header("d").Markdown("y").Build())));
    }

    [Fact]
    public async Task A_shared_v1_card_can_be_updated()
    {
        var sent = await Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.Card(Card.V1().Header("Build #1").UpdateMulti().Markdown("running").Build()));

        await Messages.UpdateCardAsync(sent.MessageId, MessageContent.Card(Card.V1().Header("Build #1 passed").UpdateMulti().Markdown("done").Build()));

        var read = await Messages.GetAsync(sent.MessageId);
        Assert.Equal("Build #1 passed", ContentString(read.Content, "title"));
        Assert.True(read.Updated);
    }

    [Fact]
    public async Task A_v2_card_is_shared_by_default_and_can_be_updated()
    {
        var sent = await Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.Card(Card.V2().Header("Job").Markdown("queued").Build()));

        await Messages.UpdateCardAsync(sent.MessageId, MessageContent.Card(Card.V2().Header("Job done").Markdown("ok").Build()));

        Assert.Equal("Job done", ContentString((await Messages.GetAsync(sent.MessageId)).Content, "title"));
    }

    [Fact]
    public async Task Concurrent_updates_past_the_per_message_limit_are_retried_and_all_succeed()
    {
        var sent = await Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.Card(Card.V2().Header("Progress 0").Markdown("0%").Build()));

        await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            Messages.UpdateCardAsync(sent.MessageId, MessageContent.Card(Card.V2().Header($"Progress {i}").Markdown($"{i * 10}%").Build()))));

        var title = ContentString((await Messages.GetAsync(sent.MessageId)).Content, "title");
        Assert.Matches("^Progress [1-8]$", title);
    }

    [Fact]
    public async Task Updating_a_card_that_is_not_shared_surfaces_the_platforms_code()
    {
        var sent = await Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.Card(Card.V1().Header("Private view").Markdown("v1").Build()));

        var error = await Assert.ThrowsAsync<FeishuApiException>(() =>
            Messages.UpdateCardAsync(sent.MessageId, MessageContent.Card(Card.V1().Header("Private view 2").UpdateMulti().Markdown("v2").Build())));

        Assert.Equal(FeishuErrorCodes.ImInvalidParameter, error.Code);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.Equal("Private view", ContentString((await Messages.GetAsync(sent.MessageId)).Content, "title"));
    }

    [Fact]
    public async Task Updating_a_card_with_a_non_card_is_refused_locally()
    {
        var sent = await Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.Card(Card.V2().Header("x").Markdown("y").Build()));

        await Assert.ThrowsAsync<ArgumentException>(() => Messages.UpdateCardAsync(sent.MessageId, MessageContent.Text("not a card")));
    }

    [Fact]
    public async Task A_recalled_message_reads_back_deleted_and_refuses_recall_edit_and_reply()
    {
        var message = await SendTextAsync("oops");

        await Messages.RecallAsync(message.MessageId);

        var read = await Messages.GetAsync(message.MessageId);
        Assert.True(read.Deleted);
        Assert.True(fx.State.FindMessage(message.MessageId)!.Deleted);
        Assert.Equal(FeishuErrorCodes.MessageRecalled, (await Assert.ThrowsAsync<FeishuApiException>(() => Messages.RecallAsync(message.MessageId))).Code);
        Assert.Equal(FeishuErrorCodes.MessageRecalled, (await Assert.ThrowsAsync<FeishuApiException>(() => Messages.EditAsync(message.MessageId, MessageContent.Text("x")))).Code);
        Assert.Equal(FeishuErrorCodes.MessageRecalled, (await Assert.ThrowsAsync<FeishuApiException>(() => Messages.ReplyAsync(message.MessageId, MessageContent.Text("x")))).Code);
    }

    [Fact]
    public async Task Get_returns_the_message_as_sent_by_the_bot()
    {
        var sent = await SendTextAsync("get me");

        var read = await Messages.GetAsync(sent.MessageId);

        Assert.Equal(sent.MessageId, read.MessageId);
        Assert.Equal("text", read.MessageType);
        Assert.Equal(fx.GeneralChat.ChatId, read.ChatId);
        Assert.Equal(fx.AppId, read.Sender?.Id);
        Assert.Equal("app", read.Sender?.SenderType);
        Assert.Equal(sent.CreateTime, read.CreateTime);
        Assert.InRange(read.CreateTime, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal("get me", ContentString(read.Content, "text"));
    }

    [Fact]
    public async Task Getting_an_unknown_message_fails_with_a_typed_error()
    {
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Messages.GetAsync("om_doesnotexist0000000000000000"));

        Assert.Equal(FeishuErrorCodes.ImInvalidParameter, error.Code);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
    }

    [Fact]
    public async Task Read_users_lists_who_read_a_message_in_the_requested_id_kind()
    {
        var sent = await SendTextAsync("please read");
        await fx.Control.MarkReadAsync(sent.MessageId, fx.Alice.OpenId);
        await fx.Control.MarkReadAsync(sent.MessageId, fx.Bob.OpenId);

        var byOpenId = await ToListAsync(Messages.ListReadUsersAsync(sent.MessageId));
        var byUserId = await ToListAsync(Messages.ListReadUsersAsync(sent.MessageId, UserIdType.UserId, pageSize: 1));

        Assert.Equal(new[] { fx.Alice.OpenId, fx.Bob.OpenId }.Order(StringComparer.Ordinal), byOpenId.Select(u => u.UserId).Order(StringComparer.Ordinal));
        Assert.All(byOpenId, u => Assert.Equal("open_id", u.UserIdType));
        Assert.All(byOpenId, u => Assert.NotNull(u.ReadTime));
        Assert.Equal(new[] { "alice", "bob" }, byUserId.Select(u => u.UserId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_message_resource_downloads_with_the_uploaded_bytes()
    {
        var image = await Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.Image(fx.ImageKey));
        var file = await Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.File(fx.PdfKey));

        await using (var download = await Messages.GetResourceAsync(image.MessageId, fx.ImageKey, MessageResourceType.Image))
        {
            Assert.Equal(Infrastructure.TestImages.Png, await download.ReadAllBytesAsync());
        }

        await using (var download = await Messages.GetResourceAsync(file.MessageId, fx.PdfKey, MessageResourceType.File))
        {
            Assert.Equal(MessagingFixture.PdfBytes, await download.ReadAllBytesAsync());
            Assert.Equal("report.pdf", download.FileName);
        }

        // A key that is not part of the message is refused with a typed error, not returned as a file.
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Messages.GetResourceAsync(image.MessageId, fx.PdfKey, MessageResourceType.File));
        Assert.Equal(FeishuErrorCodes.ImInvalidParameter, error.Code);
    }

    internal static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
