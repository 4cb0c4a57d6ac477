using System.Text.Json;
using Larkway.Feishu.CardKit;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.CardKit;

public sealed class CardKitRequestTests
{
    private const string Card = """{"schema":"2.0","config":{"streaming_mode":true},"body":{"elements":[{"tag":"markdown","element_id":"answer","content":"…"}]}}""";

    private static (FeishuClient Client, StubHandler Stub) Create(Func<RecordedRequest, int, HttpResponseMessage>? respond = null)
    {
        var stub = new StubHandler(respond ?? ((r, _) => r.Path.EndsWith("/cards", StringComparison.Ordinal) || r.Path.EndsWith("/id_convert", StringComparison.Ordinal)
            ? Responses.Ok("""{"card_id":"7355439197428236291"}""")
            : Responses.Ok()));
        return (TestClients.Create(stub), stub);
    }

    private static JsonElement Body(RecordedRequest request) => JsonDocument.Parse(request.Body!).RootElement;

    [Fact]
    public async Task Create_sends_the_card_json_as_a_string_of_type_card_json()
    {
        var (client, stub) = Create();
        using var owned = client;

        var cardId = await client.CardKit.CreateAsync(Card);

        Assert.Equal("7355439197428236291", cardId);
        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(HttpMethod.Post, call.Method);
        Assert.Equal("/open-apis/cardkit/v1/cards", call.Path);
        Assert.Equal("card_json", Body(call).GetProperty("type").GetString());
        Assert.Equal(Card, Body(call).GetProperty("data").GetString());
        Assert.Equal("Bearer t-token-1", call.Authorization);
    }

    [Fact]
    public async Task A_template_card_names_its_template_version_and_variables()
    {
        var (client, stub) = Create();
        using var owned = client;

        await client.CardKit.CreateFromTemplateAsync("AAqk1", "1.0.0", """{"name":"张三"}""");

        var body = Body(Assert.Single(stub.ApiCalls));
        Assert.Equal("template", body.GetProperty("type").GetString());
        var data = JsonDocument.Parse(body.GetProperty("data").GetString()!).RootElement;
        Assert.Equal("AAqk1", data.GetProperty("template_id").GetString());
        Assert.Equal("1.0.0", data.GetProperty("template_version_name").GetString());
        Assert.Equal("张三", data.GetProperty("template_variable").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Settings_go_as_a_config_string_with_uuid_and_sequence()
    {
        var (client, stub) = Create();
        using var owned = client;

        var write = await client.CardKit.SetStreamingModeAsync("c1", on: true, summary: "Thinking…");

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(HttpMethod.Patch, call.Method);
        Assert.Equal("/open-apis/cardkit/v1/cards/c1/settings", call.Path);
        var body = Body(call);
        var settings = JsonDocument.Parse(body.GetProperty("settings").GetString()!).RootElement.GetProperty("config");
        Assert.True(settings.GetProperty("streaming_mode").GetBoolean());
        Assert.Equal("Thinking…", settings.GetProperty("summary").GetProperty("content").GetString());
        Assert.False(settings.TryGetProperty("streaming_config", out _));
        Assert.Equal(write.Sequence, body.GetProperty("sequence").GetInt32());
        Assert.Equal(write.Uuid, body.GetProperty("uuid").GetString());
        Assert.True(Guid.TryParse(write.Uuid, out _));
    }

    [Fact]
    public async Task Every_write_has_its_path_method_and_body()
    {
        var (client, stub) = Create();
        using var owned = client;

        await client.CardKit.UpdateAsync("c1", Card, uuid: "u-full");
        await client.CardKit.BatchUpdateAsync("c1", [CardKitAction.UpdateElement("answer", """{"tag":"markdown","content":"x"}"""), CardKitAction.DeleteElements("old_1", "old_2")]);
        await client.CardKit.CreateElementsAsync("c1", CardKitInsertion.InsertAfter, "answer", """[{"tag":"markdown","element_id":"more","content":"y"}]""");
        await client.CardKit.UpdateElementAsync("c1", "answer", """{"tag":"markdown","element_id":"answer","content":"z"}""");
        await client.CardKit.PatchElementAsync("c1", "answer", """{"text_size":"heading"}""");
        await client.CardKit.DeleteElementAsync("c1", "more");
        await client.CardKit.StreamTextAsync("c1", "answer", "Hello, 世界");

        var calls = stub.ApiCalls;
        Assert.Equal(
            [
                "PUT /open-apis/cardkit/v1/cards/c1",
                "POST /open-apis/cardkit/v1/cards/c1/batch_update",
                "POST /open-apis/cardkit/v1/cards/c1/elements",
                "PUT /open-apis/cardkit/v1/cards/c1/elements/answer",
                "PATCH /open-apis/cardkit/v1/cards/c1/elements/answer",
                "DELETE /open-apis/cardkit/v1/cards/c1/elements/more",
                "PUT /open-apis/cardkit/v1/cards/c1/elements/answer/content",
            ],
            calls.Select(c => $"{c.Method} {c.Path}"));
        var full = Body(calls[0]);
        Assert.Equal("card_json", full.GetProperty("card").GetProperty("type").GetString());
        Assert.Equal(Card, full.GetProperty("card").GetProperty("data").GetString());
        Assert.Equal("u-full", full.GetProperty("uuid").GetString());
        var actions = JsonDocument.Parse(Body(calls[1]).GetProperty("actions").GetString()!).RootElement;
        Assert.Equal("update_element", actions[0].GetProperty("action").GetString());
        Assert.Equal("answer", actions[0].GetProperty("params").GetProperty("element_id").GetString());
        Assert.Equal("x", actions[0].GetProperty("params").GetProperty("element").GetProperty("content").GetString());
        Assert.Equal(["old_1", "old_2"], actions[1].GetProperty("params").GetProperty("element_ids").EnumerateArray().Select(e => e.GetString()));
        var insert = Body(calls[2]);
        Assert.Equal("insert_after", insert.GetProperty("type").GetString());
        Assert.Equal("answer", insert.GetProperty("target_element_id").GetString());
        Assert.Equal(JsonValueKind.String, insert.GetProperty("elements").ValueKind);
        Assert.Equal(JsonValueKind.String, Body(calls[3]).GetProperty("element").ValueKind);
        Assert.Equal(JsonValueKind.String, Body(calls[4]).GetProperty("partial_element").ValueKind);
        Assert.True(Body(calls[5]).TryGetProperty("sequence", out _));
        Assert.Equal("Hello, 世界", Body(calls[6]).GetProperty("content").GetString());
        Assert.Contains("世界", calls[6].Body, StringComparison.Ordinal);
        var sequences = calls.Select(c => Body(c).GetProperty("sequence").GetInt32()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.Equal(calls.Count, calls.Select(c => Body(c).GetProperty("uuid").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Id_convert_returns_the_card_id_of_a_message()
    {
        var (client, stub) = Create();
        using var owned = client;

        var cardId = await client.CardKit.ConvertIdAsync("om_123");

        Assert.Equal("7355439197428236291", cardId);
        Assert.Equal("om_123", Body(Assert.Single(stub.ApiCalls)).GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task A_cardkit_refusal_is_a_feishu_api_exception_with_its_code()
    {
        var (client, _) = Create((_, _) => Responses.Error(FeishuErrorCodes.CardKitSequenceNotIncreasing, "sequence number compare failed"));
        using var owned = client;

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => client.CardKit.StreamTextAsync("c1", "answer", "x"));

        Assert.Equal(300317, error.Code);
    }

    [Fact]
    public async Task Bad_arguments_are_refused_before_anything_is_sent()
    {
        var (client, stub) = Create();
        using var owned = client;

        await Assert.ThrowsAsync<ArgumentException>(() => client.CardKit.StreamTextAsync("c1", "answer", string.Empty));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CardKit.StreamTextAsync("c1", "answer", new string('x', 100_001)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CardKit.StreamTextAsync("c1", "1bad", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CardKit.StreamTextAsync("c1", "answer", "x", uuid: new string('u', 65)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CardKit.UpdateAsync("c1", "{not json"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CardKit.CreateElementsAsync("c1", CardKitInsertion.InsertBefore, null, "[]"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CardKit.UpdateSettingsAsync("c1", new CardKitSettings()));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CardKit.BatchUpdateAsync("c1", []));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CardKit.StreamTextAsync(new string('9', 21), "answer", "x"));

        Assert.Empty(stub.ApiCalls);
    }
}
