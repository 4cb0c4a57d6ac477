using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.CardKit;

/// <summary>Creating card entities and the element operations on them (cardkit v1), over HTTP.</summary>
public sealed class CardEntityTests(CardKitFixture fixture) : IClassFixture<CardKitFixture>
{
    private TestEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task Create_returns_a_card_id_and_the_control_endpoint_shows_the_card()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard(text: "Hello"));

        Assert.Matches("^[0-9]{19}$", cardId);
        var card = await fixture.CardAsync(cardId);
        Assert.Equal(Emulator.Options.AppId, card.GetProperty("app_id").GetString());
        Assert.True(card.GetProperty("streaming").GetBoolean());
        Assert.False(card.GetProperty("sent").GetBoolean());
        Assert.False(card.TryGetProperty("last_sequence", out var sequence) && sequence.ValueKind != JsonValueKind.Null, "no sequence before the first update");
        Assert.Equal("Hello", await fixture.TextAsync(cardId));
        var create = Assert.Single(await fixture.OperationsAsync(cardId));
        Assert.Equal("create", create.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Create_refuses_cards_that_break_the_entity_rules_with_the_documented_codes()
    {
        var token = await Emulator.TenantTokenAsync();
        var v1 = new { config = new { update_multi = true }, elements = new object[] { new { tag = "div", text = new { tag = "plain_text", content = "v1" } } } };
        var exclusive = new { schema = "2.0", config = new { update_multi = false }, body = new { elements = new object[] { new { tag = "markdown", content = "x" } } } };
        var duplicate = new { schema = "2.0", body = new { elements = new object[] { new { tag = "markdown", element_id = "a", content = "x" }, new { tag = "markdown", element_id = "a", content = "y" } } } };
        var tooMany = new { schema = "2.0", body = new { elements = Enumerable.Range(0, 201).Select(i => new { tag = "markdown", content = "x" }).ToArray() } };
        var tooLarge = new { schema = "2.0", body = new { elements = new object[] { new { tag = "markdown", content = new string('x', 31 * 1024) } } } };
        var badId = new { schema = "2.0", body = new { elements = new object[] { new { tag = "markdown", element_id = "1st", content = "x" } } } };

        foreach (var (card, code) in new (object Card, int Code)[] { (v1, 300303), (exclusive, 300302), (duplicate, 300301), (tooMany, 300305), (tooLarge, 200860), ("{not json", 10003), (badId, 10003) })
        {
            using var reply = await fixture.CreateAsync(token, card);
            Assert.True(reply.Code == code, $"expected {code}: {reply.Text}");
            Assert.Equal(400, reply.Status);
        }

        using var template = await Emulator.PostJsonAsync("/open-apis/cardkit/v1/cards", new { type = "template", data = "{\"template_id\":\"AAq1\"}" }, token);
        Assert.Equal(10003, template.Code);
        Assert.Contains("card_json", template.Msg, StringComparison.Ordinal);

        // Exactly 200 elements is allowed.
        var full = new { schema = "2.0", body = new { elements = Enumerable.Range(0, 200).Select(i => new { tag = "markdown", content = "x" }).ToArray() } };
        await fixture.CreateCardAsync(token, full);
    }

    [Fact]
    public async Task Create_needs_a_tenant_token()
    {
        using var reply = await Emulator.PostJsonAsync("/open-apis/cardkit/v1/cards", new { type = "card_json", data = JsonSerializer.Serialize(CardKitFixture.AnswerCard()) });
        Assert.Equal(99991661, reply.Code);
    }

    [Fact]
    public async Task Elements_are_added_replaced_patched_and_deleted_by_element_id()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard(streaming: false, text: "Answer"));
        var path = $"/open-apis/cardkit/v1/cards/{cardId}/elements";

        using (var add = await fixture.CallAsync(token, HttpMethod.Post, path, new { type = "append", elements = JsonSerializer.Serialize(new object[] { new { tag = "markdown", element_id = "footer", content = "Footer" } }), sequence = 1 }))
        {
            Assert.True(add.Code == 0, add.Text);
        }

        using (var before = await fixture.CallAsync(token, HttpMethod.Post, path, new { type = "insert_before", target_element_id = "answer", elements = JsonSerializer.Serialize(new object[] { new { tag = "markdown", element_id = "intro", content = "Intro" } }), sequence = 2 }))
        {
            Assert.True(before.Code == 0, before.Text);
        }

        using (var after = await fixture.CallAsync(token, HttpMethod.Post, path, new { type = "insert_after", target_element_id = "answer", elements = JsonSerializer.Serialize(new object[] { new { tag = "hr", element_id = "rule" } }), sequence = 3 }))
        {
            Assert.True(after.Code == 0, after.Text);
        }

        Assert.Equal(["intro", "answer", "rule", "footer"], await IdsAsync(cardId));

        using (var replace = await fixture.CallAsync(token, HttpMethod.Put, $"{path}/footer", new { element = JsonSerializer.Serialize(new { tag = "plain_text", element_id = "footer", content = "New footer" }), sequence = 4 }))
        {
            Assert.True(replace.Code == 0, replace.Text);
        }

        using (var patch = await fixture.CallAsync(token, HttpMethod.Patch, $"{path}/intro", new { partial_element = JsonSerializer.Serialize(new { content = "Patched intro" }), sequence = 5 }))
        {
            Assert.True(patch.Code == 0, patch.Text);
        }

        using (var retag = await fixture.CallAsync(token, HttpMethod.Patch, $"{path}/intro", new { partial_element = JsonSerializer.Serialize(new { tag = "plain_text" }), sequence = 6 }))
        {
            Assert.Equal(10003, retag.Code);
            Assert.Contains("tag", retag.Msg, StringComparison.Ordinal);
        }

        using (var delete = await fixture.CallAsync(token, HttpMethod.Delete, $"{path}/rule", new { sequence = 6 }))
        {
            Assert.True(delete.Code == 0, delete.Text);
        }

        using (var missing = await fixture.CallAsync(token, HttpMethod.Delete, $"{path}/rule", new { sequence = 7 }))
        {
            Assert.Equal(10003, missing.Code);
            Assert.Contains("rule", missing.Msg, StringComparison.Ordinal);
        }

        using (var duplicate = await fixture.CallAsync(token, HttpMethod.Post, path, new { type = "append", elements = JsonSerializer.Serialize(new object[] { new { tag = "markdown", element_id = "answer", content = "again" } }), sequence = 7 }))
        {
            Assert.Equal(300301, duplicate.Code);
        }

        Assert.Equal(["intro", "answer", "footer"], await IdsAsync(cardId));
        Assert.Equal("Patched intro", await fixture.TextAsync(cardId, "intro"));
        Assert.Equal("New footer", await fixture.TextAsync(cardId, "footer"));
        Assert.Equal(6, (await fixture.CardAsync(cardId)).GetProperty("last_sequence").GetInt32());
    }

    [Fact]
    public async Task Batch_update_applies_every_action_under_one_sequence_or_none()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard(streaming: true, text: "Answer"));
        var actions = new object[]
        {
            new { action = "partial_update_setting", @params = new { settings = new { config = new { streaming_mode = false } } } },
            new { action = "add_elements", @params = new { type = "append", elements = new object[] { new { tag = "button", element_id = "helpful", text = new { tag = "plain_text", content = "Helpful" }, behaviors = new object[] { new { type = "callback", value = new { feedback = "up" } } } } } } },
            new { action = "partial_update_element", @params = new { element_id = "answer", partial_element = new { content = "Final answer" } } },
        };

        var failing = actions.Append(new { action = "delete_elements", @params = new { element_ids = new[] { "nope" } } }).ToArray();
        using (var refused = await fixture.CallAsync(token, HttpMethod.Post, $"/open-apis/cardkit/v1/cards/{cardId}/batch_update", new { actions = JsonSerializer.Serialize(failing), sequence = 1 }))
        {
            Assert.Equal(10003, refused.Code);
        }

        Assert.Equal(["answer"], await IdsAsync(cardId));
        Assert.True((await fixture.CardAsync(cardId)).GetProperty("streaming").GetBoolean());

        using (var applied = await fixture.CallAsync(token, HttpMethod.Post, $"/open-apis/cardkit/v1/cards/{cardId}/batch_update", new { actions = JsonSerializer.Serialize(actions), sequence = 1 }))
        {
            Assert.True(applied.Code == 0, applied.Text);
        }

        Assert.Equal(["answer", "helpful"], await IdsAsync(cardId));
        Assert.Equal("Final answer", await fixture.TextAsync(cardId));
        var card = await fixture.CardAsync(cardId);
        Assert.False(card.GetProperty("streaming").GetBoolean());
        Assert.Equal(1, card.GetProperty("last_sequence").GetInt32());
    }

    [Fact]
    public async Task Full_update_replaces_the_card_and_keeps_the_entity_rules()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard(text: "draft"));
        var replacement = CardKitFixture.AnswerCard(streaming: false, text: "done");

        using (var ok = await fixture.CallAsync(token, HttpMethod.Put, $"/open-apis/cardkit/v1/cards/{cardId}", new { card = new { type = "card_json", data = JsonSerializer.Serialize(replacement) }, sequence = 3 }))
        {
            Assert.True(ok.Code == 0, ok.Text);
        }

        using (var v1 = await fixture.CallAsync(token, HttpMethod.Put, $"/open-apis/cardkit/v1/cards/{cardId}", new { card = new { type = "card_json", data = "{\"elements\":[]}" }, sequence = 4 }))
        {
            Assert.Equal(300303, v1.Code);
        }

        using (var noSequence = await fixture.CallAsync(token, HttpMethod.Put, $"/open-apis/cardkit/v1/cards/{cardId}", new { card = new { type = "card_json", data = JsonSerializer.Serialize(replacement) } }))
        {
            Assert.Equal(10003, noSequence.Code);
            Assert.Contains("sequence", noSequence.Msg, StringComparison.Ordinal);
        }

        using (var unknown = await fixture.CallAsync(token, HttpMethod.Put, "/open-apis/cardkit/v1/cards/7000000000000000001", new { card = new { type = "card_json", data = JsonSerializer.Serialize(replacement) }, sequence = 1 }))
        {
            Assert.Equal(10003, unknown.Code);
            Assert.Contains("does not exist", unknown.Msg, StringComparison.Ordinal);
        }

        Assert.Equal("done", await fixture.TextAsync(cardId));
        Assert.False((await fixture.CardAsync(cardId)).GetProperty("streaming").GetBoolean());
    }

    [Fact]
    public async Task Another_app_can_neither_update_nor_send_the_card()
    {
        var token = await Emulator.TenantTokenAsync();
        var otherToken = await Emulator.AddAppAsync("cli_cardkit_other");
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());

        using var update = await fixture.StreamAsync(otherToken, cardId, "hijack", 1);
        Assert.Equal(300311, update.Code);

        Emulator.State.UpdateChat(Emulator.GeneralChat.ChatId, c => c with { BotAppIds = [.. c.BotAppIds, "cli_cardkit_other"] });
        fixture.Tick();
        using var send = await Emulator.SendMessageAsync(otherToken, "chat_id", Emulator.GeneralChat.ChatId, "interactive", new { type = "card", data = new { card_id = cardId } });
        Assert.Equal(300311, send.Code);
        Assert.False((await fixture.CardAsync(cardId)).GetProperty("sent").GetBoolean());
    }

    private async Task<List<string>> IdsAsync(string cardId) =>
        [.. (await fixture.CardJsonAsync(cardId)).GetProperty("body").GetProperty("elements").EnumerateArray().Select(e => e.GetProperty("element_id").GetString()!)];
}
