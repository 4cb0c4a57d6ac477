using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Feishu.Events.Tests.TestSupport;

namespace Larkway.Feishu.Events.Tests.Dispatch;

public sealed class DispatcherTests
{
    private static FeishuEventEnvelope Message() => FeishuEventEnvelope.Parse(Samples.PayloadBytes("im.message.receive_v1.p2p_text.json"));

    private static FeishuEventEnvelope Custom(string type) => FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(
        """{"schema":"2.0","header":{"event_id":"evt-custom","event_type":"TYPE","create_time":"1608725989000","token":"t","app_id":"cli_a","tenant_key":"tk"},"event":{"k":"v"}}""".Replace("TYPE", type, StringComparison.Ordinal)));

    private static FeishuEventEnvelope CardAction() => FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(
        SharedVectors.ById(SharedVectors.Signature, "event_signature_vectors", "gen-card-action-trigger-new").Str("raw_body")));

    [Fact]
    public async Task Typed_handler_receives_the_event_and_the_context()
    {
        MessageReceivedEvent? seen = null;
        FeishuEventContext? seenContext = null;
        var dispatcher = new FeishuEventDispatcher().On<MessageReceivedEvent>((e, ctx, _) =>
        {
            seen = e;
            seenContext = ctx;
            return Task.CompletedTask;
        });

        var result = await dispatcher.DispatchAsync(Message());

        Assert.True(result.Handled);
        Assert.Null(result.CardResponse);
        Assert.Same(seen, result.Event);
        Assert.Equal("om_5ce6d572455d361153b7cb51da133945", seen?.Message.MessageId);
        Assert.Equal("b092b2a7e25b5fa20a641edf8426767a", seenContext?.EventId);
        Assert.Equal("im.message.receive_v1", seenContext?.EventType);
        Assert.Equal("cli_9f5343c580712544", seenContext?.AppId);
        Assert.Equal("2ca1d211f64f6438", seenContext?.TenantKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_608_725_989_000), seenContext?.CreateTime);
        Assert.Equal(FeishuEnvelopeKind.V2, seenContext?.Kind);
    }

    [Fact]
    public async Task What_the_caller_attached_to_the_context_reaches_the_handler_and_the_fallback()
    {
        var seen = new List<Delivery?>();
        var dispatcher = new FeishuEventDispatcher()
            .On<MessageReceivedEvent>((_, ctx, _) => Saw(seen, ctx.Get<Delivery>()))
            .OnUnhandled((_, ctx, _) => Saw(seen, ctx.Get<Delivery>()));

        await dispatcher.DispatchAsync(new FeishuEventContext(Message()).Set(new Delivery(41)));
        await dispatcher.DispatchAsync(new FeishuEventContext(Custom("custom.type")).Set(new Delivery(1)).Set(new Delivery(42)));
        await dispatcher.DispatchAsync(Message());

        Assert.Equal([new Delivery(41), new Delivery(42), null], seen);
    }

    private sealed record Delivery(long Id);

    private static Task Saw<T>(List<T> into, T item)
    {
        into.Add(item);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Handlers_are_routed_by_type()
    {
        var calls = new List<string>();
        var dispatcher = new FeishuEventDispatcher()
            .On<MessageReceivedEvent>((_, _, _) => Record(calls, "message"))
            .On<MessageReadEvent>((_, _, _) => Record(calls, "read"))
            .On("custom.type", (e, ctx, _) => Record(calls, "custom:" + ((UnknownEvent)e).Raw.GetProperty("k").GetString() + ":" + ctx.EventId));

        await dispatcher.DispatchAsync(Custom("custom.type"));
        await dispatcher.DispatchAsync(Message());

        Assert.Equal(["custom:v:evt-custom", "message"], calls);
        Assert.Equal(3, dispatcher.RegisteredTypes.Count);
    }

    [Fact]
    public async Task Unknown_types_go_to_the_fallback()
    {
        FeishuEvent? fallback = null;
        var dispatcher = new FeishuEventDispatcher()
            .On<MessageReceivedEvent>((_, _, _) => throw new InvalidOperationException("must not be called"))
            .OnUnhandled((e, _, _) =>
            {
                fallback = e;
                return Task.CompletedTask;
            });

        var result = await dispatcher.DispatchAsync(Custom("vc.meeting.all_meeting_started_v1"));

        Assert.True(result.Handled);
        var unknown = Assert.IsType<UnknownEvent>(fallback);
        Assert.Equal("vc.meeting.all_meeting_started_v1", unknown.EventType);
        Assert.Equal("v", unknown.Raw.GetProperty("k").GetString());
    }

    [Fact]
    public async Task Without_a_fallback_unknown_types_are_not_handled_and_do_not_throw()
    {
        var result = await new FeishuEventDispatcher().DispatchAsync(Custom("unknown.type"));

        Assert.False(result.Handled);
        Assert.IsType<UnknownEvent>(result.Event);
    }

    [Fact]
    public async Task Card_action_handler_returns_the_callback_response()
    {
        var dispatcher = new FeishuEventDispatcher().OnCardAction((e, ctx, _) =>
            Task.FromResult<CardActionResponse?>(CardActionResponse.WithToast(CardToastType.Success, "Saved " + e.Action.Name)));

        var result = await dispatcher.DispatchAsync(CardAction());

        Assert.True(result.Handled);
        Assert.Equal("""{"toast":{"type":"success","content":"Saved Button_lvkepfu3"}}""", result.CardResponse?.ToJson());
    }

    [Fact]
    public async Task Legacy_card_action_handler_returns_the_callback_response()
    {
        var body = SharedVectors.ById(SharedVectors.Signature, "card_v1_signature_vectors", "gen-old-card-doc-payload").Str("raw_body");
        var dispatcher = new FeishuEventDispatcher().OnLegacyCardAction((e, _, _) =>
            Task.FromResult<CardActionResponse?>(CardActionResponse.WithToast(CardToastType.Info, e.OpenMessageId!)));

        var result = await dispatcher.DispatchAsync(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(body)));

        Assert.Equal("om_abcdefg1234567890", result.CardResponse?.Toast?.Content);
    }

    [Fact]
    public void Registering_a_type_twice_fails()
    {
        var dispatcher = new FeishuEventDispatcher().On<MessageReceivedEvent>((_, _, _) => Task.CompletedTask);

        Assert.Throws<InvalidOperationException>(() => dispatcher.On("im.message.receive_v1", (_, _, _) => Task.CompletedTask));
        Assert.Throws<InvalidOperationException>(() => dispatcher.OnUnhandled((_, _, _) => Task.CompletedTask).OnUnhandled((_, _, _) => Task.CompletedTask));
    }

    [Fact]
    public void Handles_says_whether_dispatching_a_type_runs_a_handler_its_own_or_the_fallback()
    {
        var dispatcher = new FeishuEventDispatcher().On<MessageReceivedEvent>((_, _, _) => Task.CompletedTask);

        Assert.True(dispatcher.Handles("im.message.receive_v1"));
        Assert.False(dispatcher.Handles("approval_instance"));

        dispatcher.OnUnhandled((_, _, _) => Task.CompletedTask);
        Assert.True(dispatcher.Handles("approval_instance"));
    }

    [Fact]
    public async Task Url_verification_is_not_dispatched()
    {
        var env = FeishuEventEnvelope.Parse(Samples.PayloadBytes("url_verification.plain.json"));
        var ex = await Assert.ThrowsAsync<FeishuEventException>(() => new FeishuEventDispatcher().DispatchAsync(env));
        Assert.Equal(FeishuEventErrorReason.Malformed, ex.Reason);
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new FeishuEventDispatcher().DispatchAsync(Message(), cts.Token));
    }

    [Fact]
    public async Task Handler_exceptions_propagate()
    {
        var dispatcher = new FeishuEventDispatcher().On<MessageReceivedEvent>((_, _, _) => throw new TimeoutException("boom"));
        await Assert.ThrowsAsync<TimeoutException>(() => dispatcher.DispatchAsync(Message()));
    }

    private static Task Record(List<string> calls, string what)
    {
        calls.Add(what);
        return Task.CompletedTask;
    }
}
