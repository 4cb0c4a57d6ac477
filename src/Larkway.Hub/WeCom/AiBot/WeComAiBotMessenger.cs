using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;
using Larkway.Hub.Bots;
using Larkway.Hub.Platform;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// How the bot answers on a WeCom AI bot: over the bot's long connection on this replica. A reply to a message goes by
/// the message's req_id as a finished stream (<c>aibot_respond_msg</c>, <c>msgtype: stream</c>, <c>finish: true</c>) —
/// its stream id derived from the reply's idempotency key, so a handling retried after the reply went is refused by
/// WeCom as a finished stream instead of shown twice. When WeCom no longer takes a reply by that req_id (846605, 846608:
/// a retry long after the message, or on another connection) it is sent proactively to the conversation
/// (<c>aibot_send_msg</c>, markdown). A text or markdown reply is that stream's text; any other reply (a card, media) is
/// rendered with Channels' WeCom renderer as the AI bot takes it (a card as a template card whose callback buttons are
/// keyed by their values), its first message the reply by the req_id and the rest sent to the conversation.
/// </summary>
internal sealed partial class WeComAiBotMessenger(WeComAiBotConnections connections, ILogger<WeComAiBotMessenger> logger) : IBotMessenger
{
    /// <summary>WeCom: the req_id is not one it knows for this bot (already answered, or pushed on another connection).</summary>
    private const int InvalidReqId = 846605;

    /// <summary>WeCom: the reply's window (6 minutes for a message's stream) is over, or the stream was finished.</summary>
    private const int StreamExpired = 846608;

    private readonly ConcurrentDictionary<string, (string BotId, string ReqId)> _answering = new(StringComparer.Ordinal);

    /// <summary>While the returned scope lives, replies to <paramref name="messageId"/> go by <paramref name="reqId"/> over <paramref name="botId"/>'s connection.</summary>
    public IDisposable Answering(string messageId, string botId, string reqId)
    {
        _answering[messageId] = (botId, reqId);
        return new Scope(() => _answering.TryRemove(messageId, out _));
    }

    public async Task ReplyAsync(BotMessage to, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(reply);
        if (!_answering.TryGetValue(to.MessageId, out var answer))
        {
            throw new InvalidOperationException("An AI bot reply answers the message being handled; this one is not.");
        }

        var client = ClientOf(answer.BotId);
        var messages = StreamTextOf(reply) is { } text
            ? [WeComAiBotReply.Stream(StreamIdOf(idempotencyKey), text, finish: true)]
            : Render(reply, to.ChatId, to.IsDirect ? ConversationKind.Direct : ConversationKind.Group);
        try
        {
            await client.RespondAsync(answer.ReqId, messages[0], cancellationToken).ConfigureAwait(false);
        }
        catch (WeComApiException ex) when (ex.ErrCode is InvalidReqId or StreamExpired)
        {
            LogFellBack(logger, answer.BotId, ex.Code);
            await client.SendMessageAsync(to.ChatId, StreamTextOf(reply) is { } markdown ? WeComAiBotReply.Markdown(markdown) : messages[0], cancellationToken).ConfigureAwait(false);
        }

        foreach (var message in messages.Skip(1))
        {
            await client.SendMessageAsync(to.ChatId, message, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task SendToChatAsync(string chatId, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var botId = _answering.Values.Select(a => a.BotId).FirstOrDefault() ?? throw new InvalidOperationException("An AI bot posts while it handles a message of its app.");
        var client = ClientOf(botId);
        var messages = StreamTextOf(reply) is { } text ? [WeComAiBotReply.Markdown(text)] : Render(reply, chatId, ConversationKind.Group);
        foreach (var message in messages)
        {
            await client.SendMessageAsync(chatId, message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The markdown a text or markdown reply streams as (the AI bot sends no plain text); null for other replies.</summary>
    internal static string? StreamTextOf(ChannelReply reply) => reply switch
    {
        TextReply text => text.Text,
        MarkdownReply markdown => markdown.Markdown,
        _ => null,
    };

    // A card's task_id marks it the bot's (WeComBotCardClicks.TaskIdPrefix), so its clicks reach the bot's card actions.
    private static IReadOnlyList<WeComAiBotReply> Render(ChannelReply reply, string chatId, ConversationKind kind) =>
        WeComChannelAdapter.RenderAiBot(reply, new ChannelConversation(chatId, kind), WeComBotCardClicks.NewTaskId()).Messages;

    /// <summary>A stream id stable across retries of one reply (WeCom: at most 64 characters).</summary>
    internal static string StreamIdOf(string idempotencyKey) =>
        "lw-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];

    private WeComAiBotClient ClientOf(string botId) => connections.Find(botId)
        ?? throw new InvalidOperationException($"The long connection of AI bot {botId} is not held on this replica (another replica holds it, or none does now); the reply is tried again later.");

    private sealed class Scope(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }

    [LoggerMessage(EventId = LogEvents.WeComAiBotReplyFellBack, Level = LogLevel.Information, Message = "AI bot {BotId}: WeCom no longer takes a reply by the message's req_id ({Code}); sent to the conversation instead.")]
    private static partial void LogFellBack(ILogger logger, string botId, string code);
}
