using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Callbacks;

/// <summary>Card clicks → callbacks to a real local receiver that verifies signatures and decrypts on its own.</summary>
public sealed class CardCallbackTests
{
    private const string EncryptKey = "kT9y7XvQ2mN4pL6s";
    private const string Token = "vt_8dJk2LmNpQr";

    private static readonly object ApproveCard = new
    {
        config = new { update_multi = true },
        header = new { title = new { tag = "plain_text", content = "PO 42" }, template = "blue" },
        elements = new object[]
        {
            new { tag = "div", text = new { tag = "lark_md", content = "**Total** 1,200 CNY" } },
            new
            {
                tag = "action",
                actions = new object[]
                {
                    new { tag = "button", text = new { tag = "plain_text", content = "Approve" }, type = "primary", value = new { po = "42", verdict = "approve" } },
                    new { tag = "button", text = new { tag = "plain_text", content = "Docs" }, url = "https://example.com/po/42" },
                    new
                    {
                        tag = "select_static",
                        placeholder = new { tag = "plain_text", content = "Priority" },
                        value = new { field = "priority" },
                        options = new object[]
                        {
                            new { text = new { tag = "plain_text", content = "High" }, value = "high" },
                            new { text = new { tag = "plain_text", content = "Low" }, value = "low" },
                        },
                    },
                },
            },
        },
    };

    private static readonly JsonObject ApprovedCard = new()
    {
        ["config"] = new JsonObject { ["update_multi"] = true },
        ["header"] = new JsonObject { ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = "PO 42 approved" }, ["template"] = "green" },
        ["elements"] = new JsonArray(new JsonObject { ["tag"] = "div", ["text"] = new JsonObject { ["tag"] = "plain_text", ["content"] = "Approved by Alice" } }),
    };

    private sealed record Setup(TestEmulator Emulator, EventReceiver Receiver, string MessageId, EmulatorUser Alice) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Emulator.DisposeAsync();
            await Receiver.DisposeAsync();
        }
    }

    /// <summary>An emulator whose app sent <see cref="ApproveCard"/> to the general chat; callbacks go to a receiver.</summary>
    private static async Task<Setup> StartAsync(string? encryptKey, Action<EmulatorState, EventReceiver, string>? configure = null, Action<Hosting.EmulatorOptions>? options = null)
    {
        var receiver = await EventReceiver.StartAsync(encryptKey);
        var emulator = await TestEmulator.StartAsync(options);
        var appId = emulator.Options.AppId;
        if (configure is null)
        {
            emulator.State.SetEventSubscription(new EventSubscription(appId, receiver.Url.ToString(), encryptKey, Token));
        }
        else
        {
            configure(emulator.State, receiver, appId);
        }

        var token = await emulator.TenantTokenAsync();
        using var sent = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "interactive", ApproveCard);
        Assert.True(sent.Code == 0, sent.Text);
        return new Setup(emulator, receiver, sent.Data.GetProperty("message_id").GetString()!, emulator.User("alice@example.com"));
    }

    private static Task<Reply> ClickAsync(Setup setup, object? value = null, string tag = "button", string? option = null) =>
        setup.Emulator.PostJsonAsync($"/_emulator/messages/{setup.MessageId}/actions", new { open_id = setup.Alice.OpenId, tag, value = value ?? new { po = "42", verdict = "approve" }, option });

    private static string CardOf(Setup setup) => setup.Emulator.State.FindMessage(setup.MessageId)!.SendContent;

    private static (int Status, string Body) Answer(object body) => (200, JsonSerializer.Serialize(body));

    [Fact]
    public async Task A_click_sends_a_signed_encrypted_card_action_trigger_and_shows_the_toast()
    {
        await using var setup = await StartAsync(EncryptKey);
        setup.Receiver.Respond = (_, _) => Task.FromResult(Answer(new { toast = new { type = "success", content = "Approved" } }));
        var before = CardOf(setup);

        using var click = await ClickAsync(setup);

        Assert.Equal(0, click.Code);
        Assert.Equal("ok", click.Data.GetProperty("status").GetString());
        Assert.Equal("success", click.Data.GetProperty("toast").GetProperty("type").GetString());
        Assert.Equal("Approved", click.Data.GetProperty("toast").GetProperty("content").GetString());
        Assert.False(click.Data.GetProperty("card_updated").GetBoolean());
        Assert.Equal(before, CardOf(setup));

        var request = Assert.Single(setup.Receiver.Requests);
        Assert.True(setup.Receiver.SignatureValid(request));
        Assert.Equal(["encrypt"], JsonDocument.Parse(request.RawBody).RootElement.EnumerateObject().Select(p => p.Name));
        var body = setup.Receiver.Plain(request);
        Assert.Equal("2.0", body.GetProperty("schema").GetString());
        var header = body.GetProperty("header");
        Assert.Equal("card.action.trigger", header.GetProperty("event_type").GetString());
        Assert.Equal(Token, header.GetProperty("token").GetString());
        Assert.Equal(setup.Emulator.Options.AppId, header.GetProperty("app_id").GetString());
        Assert.Equal(setup.Emulator.State.Tenant.TenantKey, header.GetProperty("tenant_key").GetString());
        Assert.Matches("^[0-9a-f]{32}$", header.GetProperty("event_id").GetString());
        Assert.Equal(click.Data.GetProperty("event_id").GetString(), header.GetProperty("event_id").GetString());
        Assert.Equal((setup.Emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture), header.GetProperty("create_time").GetString());

        var ev = body.GetProperty("event");
        var op = ev.GetProperty("operator");
        Assert.Equal(setup.Alice.OpenId, op.GetProperty("open_id").GetString());
        Assert.Equal(setup.Alice.UserId, op.GetProperty("user_id").GetString());
        Assert.Equal(setup.Alice.UnionId, op.GetProperty("union_id").GetString());
        Assert.Equal(setup.Emulator.State.Tenant.TenantKey, op.GetProperty("tenant_key").GetString());
        Assert.StartsWith("c-", ev.GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal("im_message", ev.GetProperty("host").GetString());
        Assert.Equal(setup.MessageId, ev.GetProperty("context").GetProperty("open_message_id").GetString());
        Assert.Equal(setup.Emulator.GeneralChat.ChatId, ev.GetProperty("context").GetProperty("open_chat_id").GetString());
        var action = ev.GetProperty("action");
        Assert.Equal("button", action.GetProperty("tag").GetString());
        Assert.Equal("approve", action.GetProperty("value").GetProperty("verdict").GetString());

        var logged = Assert.Single(setup.Emulator.Server.Deliveries.Attempts, a => a.EventType == "card.action.trigger");
        Assert.True(logged.Success);
        Assert.Equal(200, logged.StatusCode);
    }

    [Fact]
    public async Task Without_an_encrypt_key_the_callback_is_plain_and_unsigned()
    {
        await using var setup = await StartAsync(encryptKey: null);

        using var click = await ClickAsync(setup);

        Assert.Equal("ok", click.Data.GetProperty("status").GetString());
        var request = Assert.Single(setup.Receiver.Requests);
        Assert.Null(request.Signature);
        Assert.Equal("card.action.trigger", setup.Receiver.Plain(request).GetProperty("header").GetProperty("event_type").GetString());
    }

    [Fact]
    public async Task A_raw_card_answer_replaces_the_card_in_state_and_on_the_page()
    {
        await using var setup = await StartAsync(EncryptKey);
        setup.Receiver.Respond = (_, _) => Task.FromResult(Answer(new { toast = new { type = "info", content = "Done" }, card = new { type = "raw", data = ApprovedCard } }));

        using var click = await ClickAsync(setup);

        Assert.Equal("ok", click.Data.GetProperty("status").GetString());
        Assert.True(click.Data.GetProperty("card_updated").GetBoolean());
        Assert.Contains("PO 42 approved", CardOf(setup), StringComparison.Ordinal);
        var page = await PageAsync(setup);
        var card = page.QuerySelector($"[id='{setup.MessageId}'] .card")!;
        Assert.Contains("PO 42 approved", card.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Approve", card.QuerySelectorAll("button").Select(b => b.TextContent));
    }

    [Fact]
    public async Task A_template_card_answer_is_recorded_with_a_note()
    {
        await using var setup = await StartAsync(EncryptKey);
        setup.Receiver.Respond = (_, _) => Task.FromResult(Answer(new { card = new { type = "template", data = new { template_id = "AAqk1234", template_variable = new { po = "42" } } } }));

        using var click = await ClickAsync(setup);

        Assert.Equal("ok", click.Data.GetProperty("status").GetString());
        Assert.True(click.Data.GetProperty("template_card").GetBoolean());
        Assert.Contains("not rendered", click.Data.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Contains("AAqk1234", CardOf(setup), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_old_card_request_url_gets_the_flat_body_signed_with_sha1_and_its_raw_card_answer_applies()
    {
        await using var setup = await StartAsync(EncryptKey, (state, receiver, appId) =>
        {
            // Events are encrypted, but the old card callback never is: SHA-1 with the Verification Token.
            state.SetEventSubscription(new EventSubscription(appId, "http://127.0.0.1:9/unused", EncryptKey, Token));
            state.SetCardCallback(new CardCallbackSettings(appId, null, receiver.Url.ToString()));
        });
        setup.Receiver.Respond = (_, _) => Task.FromResult((200, ApprovedCard.ToJsonString()));

        using var click = await ClickAsync(setup);

        Assert.Equal("ok", click.Data.GetProperty("status").GetString());
        Assert.Equal("card.action.trigger_v1", click.Data.GetProperty("callback_type").GetString());
        var request = Assert.Single(setup.Receiver.Requests);
        var signed = Encoding.UTF8.GetBytes(request.Timestamp + request.Nonce + Token).Concat(request.RawBody).ToArray();
#pragma warning disable CA5350 // the old protocol's SHA-1, checked independently
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(signed)), request.Signature);
#pragma warning restore CA5350
        var body = JsonDocument.Parse(request.RawBody).RootElement;
        Assert.False(body.TryGetProperty("schema", out _));
        Assert.False(body.TryGetProperty("encrypt", out _));
        Assert.Equal(setup.Alice.OpenId, body.GetProperty("open_id").GetString());
        Assert.Equal(setup.Alice.UserId, body.GetProperty("user_id").GetString());
        Assert.Equal(setup.MessageId, body.GetProperty("open_message_id").GetString());
        Assert.Equal(setup.Emulator.GeneralChat.ChatId, body.GetProperty("open_chat_id").GetString());
        Assert.Equal(setup.Emulator.State.Tenant.TenantKey, body.GetProperty("tenant_key").GetString());
        Assert.StartsWith("c-", body.GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal("approve", body.GetProperty("action").GetProperty("value").GetProperty("verdict").GetString());
        Assert.Equal("button", body.GetProperty("action").GetProperty("tag").GetString());
        Assert.True(click.Data.GetProperty("card_updated").GetBoolean());
        Assert.Contains("PO 42 approved", CardOf(setup), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_shows_the_users_error_code_and_leaves_the_card()
    {
        await using var setup = await StartAsync(EncryptKey, options: o => o.CardCallbackTimeout = TimeSpan.FromMilliseconds(300));
        setup.Receiver.Respond = async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            return Answer(new { card = new { type = "raw", data = ApprovedCard } });
        };
        var before = CardOf(setup);

        using var click = await ClickAsync(setup);

        Assert.Equal("error", click.Data.GetProperty("status").GetString());
        Assert.Equal(200341, click.Data.GetProperty("error_code").GetInt32());
        Assert.Equal(before, CardOf(setup));
        Assert.Contains(setup.Emulator.Server.Deliveries.Attempts, a => a.EventType == "card.action.trigger" && !a.Success);
    }

    [Theory]
    [InlineData(200, "<html>oops</html>", 200672)]
    [InlineData(200, "[1,2]", 200672)]
    [InlineData(500, "{}", 200671)]
    [InlineData(200, "{\"card\":{\"type\":\"raw\",\"data\":{\"elements\":[{\"text\":\"no tag\"}]}}}", 200673)]
    public async Task A_bad_answer_shows_the_users_error_code_and_leaves_the_card(int status, string answer, int code)
    {
        await using var setup = await StartAsync(EncryptKey);
        setup.Receiver.Respond = (_, _) => Task.FromResult((status, answer));
        var before = CardOf(setup);

        using var click = await ClickAsync(setup);

        Assert.Equal(code, click.Data.GetProperty("error_code").GetInt32());
        Assert.False(click.Data.TryGetProperty("toast", out _));
        Assert.Equal(before, CardOf(setup));
    }

    [Fact]
    public async Task Without_any_callback_configuration_the_click_fails_with_200340()
    {
        await using var setup = await StartAsync(EncryptKey, (_, _, _) => { });

        using var click = await ClickAsync(setup);

        Assert.Equal(200340, click.Data.GetProperty("error_code").GetInt32());
        Assert.Empty(setup.Receiver.Requests);
    }

    [Fact]
    public async Task Clicks_by_non_members_or_on_non_cards_are_refused()
    {
        await using var setup = await StartAsync(EncryptKey);
        var token = await setup.Emulator.TenantTokenAsync();
        using var text = await setup.Emulator.SendMessageAsync(token, "chat_id", setup.Emulator.GeneralChat.ChatId, "text", new { text = "hi" });
        var carol = setup.Emulator.User("carol@example.com");
        var engineering = setup.Emulator.EngineeringChat.ChatId;
        using var card = await setup.Emulator.SendMessageAsync(token, "chat_id", engineering, "interactive", ApproveCard);

        using var onText = await setup.Emulator.PostJsonAsync($"/_emulator/messages/{text.Data.GetProperty("message_id").GetString()}/actions", new { open_id = setup.Alice.OpenId, tag = "button" });
        using var notMember = await setup.Emulator.PostJsonAsync($"/_emulator/messages/{card.Data.GetProperty("message_id").GetString()}/actions", new { open_id = carol.OpenId, tag = "button" });

        Assert.Equal(400, onText.Status);
        Assert.Equal(400, notMember.Status);
        Assert.Empty(setup.Receiver.Requests);
    }

    [Fact]
    public async Task The_page_renders_callback_elements_as_forms_and_a_form_post_sends_the_same_callback_as_the_control_endpoint()
    {
        await using var setup = await StartAsync(EncryptKey);
        setup.Receiver.Respond = (_, _) => Task.FromResult(Answer(new { toast = new { type = "success", content = "Approved by the page" }, card = new { type = "raw", data = ApprovedCard } }));
        var bob = setup.Emulator.User("bob@example.com");
        var page = await PageAsync(setup, actingAs: bob.OpenId);

        var forms = page.QuerySelectorAll<IHtmlFormElement>($"[id='{setup.MessageId}'] form.card-action").ToList();
        Assert.Equal(2, forms.Count); // the callback button and the select; the link button stays a link
        Assert.NotNull(page.QuerySelector($"[id='{setup.MessageId}'] a[href='https://example.com/po/42']"));
        var buttonForm = forms.Single(f => f.QuerySelector("button")?.TextContent == "Approve");
        var fields = Fields(buttonForm);
        Assert.Equal(bob.OpenId, fields["operator"]);

        using var content = new FormUrlEncodedContent(fields);
        using var response = await setup.Emulator.Http.PostAsync(buttonForm.GetAttribute("action"), content);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("Approved by the page", html, StringComparison.Ordinal);
        Assert.Contains("PO 42 approved", new HtmlParser().ParseDocument(html).QuerySelector($"[id='{setup.MessageId}']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("PO 42 approved", CardOf(setup), StringComparison.Ordinal);

        // The same click through the control endpoint produces the same callback, ids aside.
        using var control = await setup.Emulator.PostJsonAsync($"/_emulator/messages/{setup.MessageId}/actions", new { open_id = bob.OpenId, tag = "button", value = new { po = "42", verdict = "approve" } });
        Assert.Equal(2, setup.Receiver.Requests.Count);
        Assert.True(setup.Receiver.Requests.All(setup.Receiver.SignatureValid));
        var fromPage = Normalized(setup.Receiver.Plain(setup.Receiver.Requests[0]));
        var fromControl = Normalized(setup.Receiver.Plain(setup.Receiver.Requests[1]));
        Assert.True(JsonNode.DeepEquals(fromPage, fromControl), fromPage.ToJsonString() + " vs " + fromControl.ToJsonString());
        Assert.Equal(bob.OpenId, fromPage["event"]!["operator"]!["open_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_select_posts_the_chosen_option_and_a_failure_is_shown_on_the_page()
    {
        await using var setup = await StartAsync(EncryptKey);
        setup.Receiver.Respond = (_, _) => Task.FromResult((500, "{}"));
        var page = await PageAsync(setup);
        var selectForm = page.QuerySelectorAll<IHtmlFormElement>($"[id='{setup.MessageId}'] form.card-action").Single(f => f.QuerySelector("select") is not null);
        var fields = Fields(selectForm);
        fields["option"] = "high";

        using var content = new FormUrlEncodedContent(fields);
        using var response = await setup.Emulator.Http.PostAsync(selectForm.GetAttribute("action"), content);
        var html = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        var action = setup.Receiver.Plain(Assert.Single(setup.Receiver.Requests)).GetProperty("event").GetProperty("action");
        Assert.Equal("select_static", action.GetProperty("tag").GetString());
        Assert.Equal("high", action.GetProperty("option").GetString());
        Assert.Equal("priority", action.GetProperty("value").GetProperty("field").GetString());
        Assert.Equal("200671", html.QuerySelector(".flash-error")!.GetAttribute("data-error-code"));
        Assert.Contains("PO 42", html.QuerySelector($"[id='{setup.MessageId}'] .card-title")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V2_callback_buttons_pickers_inputs_and_overflows_post_their_own_action_fields()
    {
        await using var setup = await StartAsync(encryptKey: null);
        var token = await setup.Emulator.TenantTokenAsync();
        var card = new
        {
            schema = "2.0",
            header = new { title = new { tag = "plain_text", content = "Deploy" } },
            body = new
            {
                elements = new object[]
                {
                    new { tag = "button", name = "ship_btn", text = new { tag = "plain_text", content = "Ship" }, behaviors = new object[] { new { type = "callback", value = new { action = "ship" } } } },
                    new { tag = "picker_date", name = "when", placeholder = new { tag = "plain_text", content = "Date" }, value = new { field = "date" } },
                    new { tag = "input", name = "note", placeholder = new { tag = "plain_text", content = "Note" } },
                    new { tag = "overflow", value = new { menu = "more" }, options = new object[] { new { text = new { tag = "plain_text", content = "Retry" }, value = "retry" }, new { text = new { tag = "plain_text", content = "Docs" }, url = "https://example.com/docs" } } },
                },
            },
        };
        using var sent = await setup.Emulator.SendMessageAsync(token, "chat_id", setup.Emulator.GeneralChat.ChatId, "interactive", card);
        var messageId = sent.Data.GetProperty("message_id").GetString()!;
        var page = await PageAsync(setup);
        var forms = page.QuerySelectorAll<IHtmlFormElement>($"[id='{messageId}'] form.card-action").ToList();
        Assert.Equal(4, forms.Count);

        var posts = new (string Tag, string Field, string Value)[] { ("button", "", ""), ("picker_date", "picker", "2026-03-05"), ("input", "input_value", "ship it"), ("overflow", "option", "retry") };
        foreach (var (tag, field, value) in posts)
        {
            var fields = Fields(forms.Single(f => Fields(f)["tag"] == tag));
            if (field.Length > 0)
            {
                fields[field] = value;
            }

            using var content = new FormUrlEncodedContent(fields);
            using var response = await setup.Emulator.Http.PostAsync(CardActionPath(messageId), content);
            Assert.True(response.IsSuccessStatusCode, tag);
        }

        var actions = setup.Receiver.Requests.Select(r => setup.Receiver.Plain(r).GetProperty("event").GetProperty("action")).ToList();
        Assert.Equal(["button", "picker_date", "input", "overflow"], actions.Select(a => a.GetProperty("tag").GetString()));
        Assert.Equal("ship", actions[0].GetProperty("value").GetProperty("action").GetString());
        Assert.Equal("ship_btn", actions[0].GetProperty("name").GetString());
        Assert.Equal("2026-03-05 +0000", actions[1].GetProperty("option").GetString());
        Assert.Equal("UTC", actions[1].GetProperty("timezone").GetString());
        Assert.Equal("date", actions[1].GetProperty("value").GetProperty("field").GetString());
        Assert.Equal("ship it", actions[2].GetProperty("input_value").GetString());
        Assert.Equal("note", actions[2].GetProperty("name").GetString());
        Assert.Equal("retry", actions[3].GetProperty("option").GetString());
        Assert.NotNull(page.QuerySelector($"[id='{messageId}'] a[href='https://example.com/docs']"));
    }

    private static string CardActionPath(string messageId) => $"/_emulator/web/messages/{messageId}/actions";

    [Fact]
    public async Task A_cross_site_form_post_is_refused()
    {
        await using var setup = await StartAsync(EncryptKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_emulator/web/messages/{setup.MessageId}/actions")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["operator"] = setup.Alice.OpenId, ["tag"] = "button", ["value"] = "{}" }),
        };
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await setup.Emulator.Http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(setup.Receiver.Requests);
    }

    [Fact]
    public async Task The_callback_url_is_configured_separately_verified_and_shown_without_secrets()
    {
        await using var events = await EventReceiver.StartAsync();
        await using var setup = await StartAsync(EncryptKey, (state, _, appId) => state.SetEventSubscription(new EventSubscription(appId, "http://127.0.0.1:9/events", EncryptKey, Token)));
        var appId = setup.Emulator.Options.AppId;

        using var put = await setup.Emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{appId}/callback", JsonSerializer.Serialize(new { url = setup.Receiver.Url.ToString() }), null);
        using var get = await setup.Emulator.GetAsync($"/_emulator/apps/{appId}/callback", null);
        using var click = await ClickAsync(setup);

        Assert.True(put.Code == 0, put.Text);
        Assert.Equal(setup.Receiver.Url.ToString(), get.Data.GetProperty("callback").GetProperty("url").GetString());
        Assert.DoesNotContain(EncryptKey, get.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, get.Text, StringComparison.Ordinal);

        // First the url_verification challenge (encrypted with the app's key), then the click.
        Assert.Equal(2, setup.Receiver.Requests.Count);
        Assert.Equal("url_verification", setup.Receiver.Plain(setup.Receiver.Requests[0]).GetProperty("type").GetString());
        Assert.Equal("ok", click.Data.GetProperty("status").GetString());
        Assert.True(setup.Receiver.SignatureValid(setup.Receiver.Requests[1]));
    }

    private static async Task<IHtmlDocument> PageAsync(Setup setup, string? actingAs = null)
    {
        var path = $"/chats/{setup.Emulator.GeneralChat.ChatId}" + (actingAs is null ? string.Empty : "?as=" + Uri.EscapeDataString(actingAs));
        return new HtmlParser().ParseDocument(await setup.Emulator.Http.GetStringAsync(path));
    }

    private static Dictionary<string, string> Fields(IHtmlFormElement form) =>
        form.QuerySelectorAll<IHtmlInputElement>("input[type=hidden]").ToDictionary(i => i.Name!, i => i.Value);

    private static JsonNode Normalized(JsonElement body)
    {
        var node = JsonNode.Parse(body.GetRawText())!;
        node["header"]!.AsObject().Remove("event_id");
        node["header"]!.AsObject().Remove("create_time");
        node["event"]!.AsObject().Remove("token");
        return node;
    }
}
