using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.Web;

namespace Larkway.Emulator.Tests.Web;

/// <summary>People in messages and cards as the Feishu client shows them: by name, never by id, always encoded.</summary>
public sealed class MentionRenderingTests
{
    private readonly EmulatorState _state = SeedLoader.Apply(DefaultSeed.Create(), new EmulatorOptions());

    private EmulatorUser Alice => _state.FindUser("email", "alice@example.com")!;

    private EmulatorUser Bob => _state.FindUser("email", "bob@example.com")!;

    [Fact]
    public void Card_markdown_mentions_by_open_id_user_id_email_and_several_ids_show_the_names()
    {
        var html = Render($$$"""
            {"schema":"2.0","body":{"elements":[
              {"tag":"markdown","content":"Approved by <at id={{{Alice.OpenId}}}></at>"},
              {"tag":"markdown","content":"cc <at id=bob></at>, <at email=carol@example.com></at> and <at ids={{{Alice.OpenId}}},dave></at>"},
              {"tag":"markdown","content":"quoted <at user_id=\"{{{Bob.OpenId}}}\">Robert</at>, everyone <at id=all></at>"}]}}
            """);

        Assert.Contains("Approved by <span class=\"mention\">@Alice Chen</span>", html, StringComparison.Ordinal);
        Assert.Contains("cc <span class=\"mention\">@Bob Li</span>, <span class=\"mention\">@Carol Wang</span> and <span class=\"mention\">@Alice Chen</span> <span class=\"mention\">@Dave Zhang</span>", html, StringComparison.Ordinal);
        Assert.Contains("quoted <span class=\"mention\">@Bob Li</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"mention\">@所有人</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("ou_", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v1_lark_md_mention_and_the_bot_are_named_and_an_unknown_id_keeps_its_text_or_id()
    {
        var bot = _state.Apps[0];
        var html = Render($$$"""
            {"header":{"title":{"tag":"plain_text","content":"t"}},"elements":[
              {"tag":"div","text":{"tag":"lark_md","content":"**Applicant**\n<at id={{{Alice.OpenId}}}></at>"},
               "fields":[{"is_short":true,"text":{"tag":"lark_md","content":"bot <at id={{{bot.BotOpenId}}}></at>"}}]},
              {"tag":"div","text":{"tag":"lark_md","content":"<at id=ou_unknown0001>Someone</at> / <at id=ou_unknown0002></at>"}}]}
            """);

        Assert.Contains("<strong>Applicant</strong><br><span class=\"mention\">@Alice Chen</span>", html, StringComparison.Ordinal);
        Assert.Contains($"bot <span class=\"mention\">@{bot.BotName}</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"mention\">@Someone</span> / <span class=\"mention\">@ou_unknown0002</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Person_elements_show_names_and_names_and_ids_are_encoded()
    {
        var eve = _state.AddUser(new EmulatorUser("ou_eve0000000000000000000000000001", "on_eve", "eve", "<img src=x onerror=alert(1)>", null, []));
        var html = Render($$$"""
            {"schema":"2.0","body":{"elements":[
              {"tag":"person","user_id":"{{{Alice.OpenId}}}"},
              {"tag":"person_list","persons":[{"id":"{{{Bob.OpenId}}}"},{"id":"ou_nobody"}]},
              {"tag":"markdown","content":"<at id={{{eve.OpenId}}}></at> <at id=\"x\" onmouseover=\"alert(2)\"></at> <at id=<b>z</b>></at>"}]}}
            """);

        Assert.Contains("<span class=\"person\">Alice Chen</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"person\">Bob Li</span> <span class=\"person\">ou_nobody</span>", html, StringComparison.Ordinal);
        Assert.Contains("@&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onmouseover=\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>z</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_directory_a_preview_shows_the_mention_by_id()
    {
        using var card = JsonDocument.Parse("""{"elements":[{"tag":"markdown","content":"<at id=ou_abc></at>"}]}""");

        Assert.Contains("<span class=\"mention\">@ou_abc</span>", CardHtmlRenderer.Render(card.RootElement), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_chat_page_names_people_in_texts_posts_and_cards_and_counts_members_as_the_chat_list_does()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, carol) = (emulator.User("alice@example.com"), emulator.User("carol@example.com"));
        using (var text = await emulator.SendMessageAsync(token, "email", alice.Email!, "text", new { text = $"hi <at user_id=\"{carol.OpenId}\"></at>" }))
        {
            Assert.True(text.Code == 0, text.Text);
        }

        using (var card = await emulator.SendMessageAsync(token, "email", alice.Email!, "interactive",
            new { elements = new object[] { new { tag = "div", text = new { tag = "lark_md", content = $"Requested by <at id={carol.OpenId}></at>" } } } }))
        {
            Assert.True(card.Code == 0, card.Text);
        }

        var direct = emulator.State.OpenDirectChat(emulator.Options.AppId, alice.OpenId);
        var page = await emulator.Http.GetStringAsync($"/chats/{direct.ChatId}");
        var index = await emulator.Http.GetStringAsync("/");

        Assert.Contains("hi <span class=\"mention\">@Carol Wang</span>", page, StringComparison.Ordinal);
        Assert.Contains("Requested by <span class=\"mention\">@Carol Wang</span>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("@ou_", page, StringComparison.Ordinal);

        // A direct chat has the user and the bot: 2 on both pages; the group of four with the bot: 5 on both.
        Assert.Contains("Members (2): Alice Chen, Larkway Bot (bot)", page, StringComparison.Ordinal);
        Assert.Contains($"{direct.ChatId}\">Direct: Larkway Bot ↔ Alice Chen</a></td><td>p2p</td><td>2</td>", index, StringComparison.Ordinal);
        var general = await emulator.Http.GetStringAsync($"/chats/{emulator.GeneralChat.ChatId}");
        Assert.Contains("Members (5): ", general, StringComparison.Ordinal);
        Assert.Contains($"{emulator.GeneralChat.ChatId}\">Larkway Dev</a></td><td>group</td><td>5</td>", index, StringComparison.Ordinal);
    }

    private string Render(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CardHtmlRenderer.Render(document.RootElement, actions: null, new PersonNames(_state));
    }
}
