using System.Text.Json;
using AngleSharp.Html.Parser;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.CardKit;

/// <summary>Card entities sent as IM messages: sent once, shown as they change, on the chat page, and during a user's interaction.</summary>
public sealed class CardEntityMessageTests(CardKitFixture fixture) : IClassFixture<CardKitFixture>
{
    private TestEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task A_sent_card_entity_shows_its_later_updates_and_is_sent_only_once()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard(text: "Thinking"));
        var messageId = await fixture.SendCardAsync(token, cardId);

        Assert.Contains("Thinking", Emulator.State.FindMessage(messageId)!.SendContent, StringComparison.Ordinal);
        var card = await fixture.CardAsync(cardId);
        Assert.Equal(messageId, card.GetProperty("message_id").GetString());
        Assert.True(card.GetProperty("sent").GetBoolean());

        using (var update = await fixture.StreamAsync(token, cardId, "Thinking about it", 1))
        {
            Assert.Equal(0, update.Code);
        }

        using (var read = await Emulator.GetAsync($"/open-apis/im/v1/messages/{messageId}", token))
        {
            Assert.Equal(0, read.Code);
            Assert.Contains("Thinking about it", read.Data.GetProperty("items")[0].GetProperty("body").GetProperty("content").GetString(), StringComparison.Ordinal);
        }

        fixture.Tick();
        using var again = await Emulator.SendMessageAsync(token, "chat_id", Emulator.GeneralChat.ChatId, "interactive", new { type = "card", data = new { card_id = cardId } });
        Assert.Equal(300311, again.Code);
        Assert.Contains("already sent", again.Msg, StringComparison.Ordinal);

        fixture.Tick();
        using var unknown = await Emulator.SendMessageAsync(token, "chat_id", Emulator.GeneralChat.ChatId, "interactive", new { type = "card", data = new { card_id = "7000000000000000002" } });
        Assert.Equal(10003, unknown.Code);

        fixture.Tick();
        using var noId = await Emulator.SendMessageAsync(token, "chat_id", Emulator.GeneralChat.ChatId, "interactive", new { type = "card", data = new { } });
        Assert.Equal(230001, noId.Code);
        Assert.Contains("card_id", noId.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_that_fails_leaves_the_card_sendable_and_a_reply_can_carry_it()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());

        fixture.Tick();
        using var failed = await Emulator.SendMessageAsync(token, "chat_id", "oc_no_such_chat", "interactive", new { type = "card", data = new { card_id = cardId } });
        Assert.NotEqual(0, failed.Code);
        Assert.False((await fixture.CardAsync(cardId)).GetProperty("sent").GetBoolean());

        var parent = Emulator.State.MessagesIn(Emulator.GeneralChat.ChatId).Count > 0
            ? Emulator.State.MessagesIn(Emulator.GeneralChat.ChatId)[^1].MessageId
            : await fixture.SendCardAsync(token, await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard()));
        fixture.Tick();
        using var reply = await Emulator.PostJsonAsync($"/open-apis/im/v1/messages/{parent}/reply", new { msg_type = "interactive", content = JsonSerializer.Serialize(new { type = "card", data = new { card_id = cardId } }) }, token);
        Assert.True(reply.Code == 0, reply.Text);
        Assert.Equal(reply.Data.GetProperty("message_id").GetString(), (await fixture.CardAsync(cardId)).GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task Id_convert_gives_the_card_id_of_a_message()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());
        var messageId = await fixture.SendCardAsync(token, cardId);

        using (var converted = await fixture.CallAsync(token, HttpMethod.Post, "/open-apis/cardkit/v1/cards/id_convert", new { message_id = messageId }))
        {
            Assert.Equal(0, converted.Code);
            Assert.Equal(cardId, converted.Data.GetProperty("card_id").GetString());
        }

        // A JSON 2.0 card sent as content becomes an entity that CardKit can update.
        fixture.Tick();
        using var plain = await Emulator.SendMessageAsync(token, "chat_id", Emulator.GeneralChat.ChatId, "interactive", CardKitFixture.AnswerCard(streaming: false, text: "plain"));
        Assert.Equal(0, plain.Code);
        var plainId = plain.Data.GetProperty("message_id").GetString()!;
        using var second = await fixture.CallAsync(token, HttpMethod.Post, "/open-apis/cardkit/v1/cards/id_convert", new { message_id = plainId });
        Assert.Equal(0, second.Code);
        var newCard = second.Data.GetProperty("card_id").GetString()!;
        using (var update = await fixture.CallAsync(token, HttpMethod.Patch, $"/open-apis/cardkit/v1/cards/{newCard}/elements/answer", new { partial_element = JsonSerializer.Serialize(new { content = "updated through CardKit" }), sequence = 1 }))
        {
            Assert.Equal(0, update.Code);
        }

        Assert.Contains("updated through CardKit", Emulator.State.FindMessage(plainId)!.SendContent, StringComparison.Ordinal);

        fixture.Tick();
        using var text = await Emulator.SendMessageAsync(token, "chat_id", Emulator.GeneralChat.ChatId, "text", new { text = "hi" });
        using var notCard = await fixture.CallAsync(token, HttpMethod.Post, "/open-apis/cardkit/v1/cards/id_convert", new { message_id = text.Data.GetProperty("message_id").GetString() });
        Assert.Equal(10003, notCard.Code);
    }

    [Fact]
    public async Task Message_patch_still_updates_an_ordinary_card()
    {
        var token = await Emulator.TenantTokenAsync();
        fixture.Tick();
        using var sent = await Emulator.SendMessageAsync(token, "chat_id", Emulator.GeneralChat.ChatId, "interactive", CardKitFixture.AnswerCard(streaming: false, text: "v1 of the answer"));
        var messageId = sent.Data.GetProperty("message_id").GetString()!;

        fixture.Tick();
        using var patch = await Emulator.SendAsync(HttpMethod.Patch, $"/open-apis/im/v1/messages/{messageId}", JsonSerializer.Serialize(new { content = JsonSerializer.Serialize(CardKitFixture.AnswerCard(streaming: false, text: "v2 of the answer")) }), token);
        Assert.True(patch.Code == 0, patch.Text);
        Assert.Contains("v2 of the answer", Emulator.State.FindMessage(messageId)!.SendContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_chat_page_shows_the_streaming_card_growing_then_the_final_card_with_clickable_buttons()
    {
        var token = await Emulator.TenantTokenAsync();
        var chatId = Emulator.GeneralChat.ChatId;
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());
        var messageId = await fixture.SendCardAsync(token, cardId);
        var alice = Emulator.User("alice@example.com");

        var page = await Emulator.Http.GetStringAsync($"/chats/{chatId}?as={alice.OpenId}");
        var document = new HtmlParser().ParseDocument(page);
        var timeline = document.GetElementById("timeline")!;
        Assert.Equal($"/chats/{chatId}/timeline?as={alice.OpenId}", timeline.GetAttribute("data-src"));
        var status = document.QuerySelector($"[data-card-id='{cardId}']")!;
        Assert.Equal("true", status.GetAttribute("data-streaming"));
        Assert.Contains("[生成中...]", status.TextContent, StringComparison.Ordinal);
        Assert.Contains("[生成中...]", await Emulator.Http.GetStringAsync("/"), StringComparison.Ordinal);
        var hash = timeline.GetAttribute("data-hash")!;

        using (var unchanged = await Emulator.Http.GetAsync($"/chats/{chatId}/timeline?as={alice.OpenId}&since={hash}"))
        {
            Assert.Equal(204, (int)unchanged.StatusCode);
        }

        var seen = new List<string>();
        var sequence = 0;
        foreach (var text in new[] { "The answer", "The answer is", "The answer is forty-two." })
        {
            using (var update = await fixture.StreamAsync(token, cardId, text, ++sequence))
            {
                Assert.Equal(0, update.Code);
            }

            using var fragment = await Emulator.Http.GetAsync($"/chats/{chatId}/timeline?as={alice.OpenId}&since={hash}");
            Assert.Equal(200, (int)fragment.StatusCode);
            hash = fragment.Headers.GetValues("x-timeline-hash").Single();
            var html = new HtmlParser().ParseDocument(await fragment.Content.ReadAsStringAsync());
            seen.Add(html.GetElementById(messageId)!.QuerySelector(".card")!.TextContent);
        }

        Assert.Contains("The answer", seen[0], StringComparison.Ordinal);
        Assert.DoesNotContain("The answer is", seen[0], StringComparison.Ordinal);
        Assert.Contains("The answer is", seen[1], StringComparison.Ordinal);
        Assert.Contains("The answer is forty-two.", seen[2], StringComparison.Ordinal);

        // A summary replaces the "[生成中...]" preview while streaming.
        using (var summary = await fixture.SettingsAsync(token, cardId, new { config = new { summary = new { content = "Answering…" } } }, ++sequence))
        {
            Assert.Equal(0, summary.Code);
        }

        Assert.Contains("Answering…", await Emulator.Http.GetStringAsync($"/chats/{chatId}/timeline?as={alice.OpenId}"), StringComparison.Ordinal);

        // The end: streaming off and feedback buttons added; the page shows them as forms that call the app back.
        var actions = new object[]
        {
            new { action = "partial_update_setting", @params = new { settings = new { config = new { streaming_mode = false } } } },
            new { action = "add_elements", @params = new { type = "append", elements = new object[] { new { tag = "button", element_id = "helpful", text = new { tag = "plain_text", content = "Helpful" }, behaviors = new object[] { new { type = "callback", value = new { feedback = "up" } } } } } } },
        };
        using (var final = await fixture.CallAsync(token, HttpMethod.Post, $"/open-apis/cardkit/v1/cards/{cardId}/batch_update", new { actions = JsonSerializer.Serialize(actions), sequence = ++sequence }))
        {
            Assert.Equal(0, final.Code);
        }

        var finalPage = new HtmlParser().ParseDocument(await Emulator.Http.GetStringAsync($"/chats/{chatId}?as={alice.OpenId}"));
        Assert.Equal("false", finalPage.QuerySelector($"[data-card-id='{cardId}']")!.GetAttribute("data-streaming"));
        var form = finalPage.GetElementById(messageId)!.QuerySelector("form")!;
        Assert.Equal($"/_emulator/web/messages/{messageId}/actions", form.GetAttribute("action"));
        Assert.Contains("Helpful", form.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streaming_card_cannot_be_updated_while_a_click_on_it_is_being_answered()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard(extra: new { tag = "button", element_id = "stop", text = new { tag = "plain_text", content = "Stop" }, behaviors = new object[] { new { type = "callback", value = new { action = "stop" } } } }));
        var messageId = await fixture.SendCardAsync(token, cardId);
        var alice = Emulator.User("alice@example.com");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = fixture.Receiver.Requests.Count;
        fixture.Receiver.Respond = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return (200, "{}");
        };

        try
        {
            var click = Emulator.PostJsonAsync($"/_emulator/messages/{messageId}/actions", new { open_id = alice.OpenId, tag = "button", value = new { action = "stop" } });
            await fixture.Receiver.WaitForAsync(_ => true, skip: seen);
            var before = (await fixture.StatsAsync()).GetProperty("interaction_refusals").GetInt64();

            using (var during = await fixture.StreamAsync(token, cardId, "more text", 1))
            {
                Assert.Equal(200810, during.Code);
            }

            Assert.Equal(before + 1, (await fixture.StatsAsync()).GetProperty("interaction_refusals").GetInt64());

            release.SetResult();
            using (var clicked = await click)
            {
                Assert.Equal("ok", clicked.Data.GetProperty("status").GetString());
            }

            using (var after = await fixture.StreamAsync(token, cardId, "more text", 1))
            {
                Assert.Equal(0, after.Code);
            }
        }
        finally
        {
            release.TrySetResult();
            fixture.Receiver.Respond = null;
        }

        Assert.Equal("more text", await fixture.TextAsync(cardId));
    }

    [Fact]
    public async Task Closing_streaming_is_allowed_during_a_click_and_a_closed_card_updates_meanwhile()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard(text: "answer"));
        var messageId = await fixture.SendCardAsync(token, cardId);
        var alice = Emulator.User("alice@example.com");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = fixture.Receiver.Requests.Count;
        fixture.Receiver.Respond = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return (200, "{}");
        };

        try
        {
            var click = Emulator.PostJsonAsync($"/_emulator/messages/{messageId}/actions", new { open_id = alice.OpenId, tag = "button", value = new { feedback = "up" } });
            await fixture.Receiver.WaitForAsync(_ => true, skip: seen);

            using (var close = await fixture.SettingsAsync(token, cardId, new { config = new { streaming_mode = false } }, 1))
            {
                Assert.Equal(0, close.Code);
            }

            using (var patch = await fixture.CallAsync(token, HttpMethod.Patch, $"/open-apis/cardkit/v1/cards/{cardId}/elements/answer", new { partial_element = JsonSerializer.Serialize(new { content = "answer (thanks for the feedback)" }), sequence = 2 }))
            {
                Assert.Equal(0, patch.Code);
            }

            release.SetResult();
            (await click).Dispose();
        }
        finally
        {
            release.TrySetResult();
            fixture.Receiver.Respond = null;
        }

        Assert.Equal("answer (thanks for the feedback)", await fixture.TextAsync(cardId));
    }
}
