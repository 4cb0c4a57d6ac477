using Larkway.Channels.Masking;
using Larkway.Channels.Messages;
using Larkway.Hub.Assistants.Replies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// testchat's part in the assistant, as a room would add it: its messages in the platform-neutral model (under a
/// <see cref="ChannelPlatform"/> Larkway.Channels does not know) and its replies, where an answer is shown once, whole.
/// </summary>
internal static class TestChatAssistant
{
    /// <summary>testchat as the assistant's messages name it.</summary>
    public static ChannelPlatform Channel { get; } = new(TestChatPlatform.Platform);

    public static IServiceCollection AddTestChatAssistant(this IServiceCollection services)
    {
        services.AddHubPlatformUnit(Channel).Supply<IAssistantReplies, TestChatAssistantReplies>();
        return services;
    }

    /// <summary>A testchat direct message in the neutral model: what the assistant reads when no bot command claims it.</summary>
    public static InboundMessage Inbound(string app, string id, string chat, string from, string text, DateTimeOffset receivedAt) => new()
    {
        Platform = Channel,
        // The platform's own id for the app, which is not the Hub's name for it (as a WeCom agent id or a DingTalk robot code is not).
        App = new ChannelApp($"tc-app-{app}"),
        Conversation = new ChannelConversation(chat, ConversationKind.Direct),
        Sender = new ChannelSender(from),
        Text = text,
        PlatformMessageType = "text",
        MessageId = id,
        MentionsBot = true,
        ReceivedAt = receivedAt,
        DedupKey = InboundMessage.DedupKeyFor(Channel, app, id),
    };
}

/// <summary>
/// testchat's replies: it has no streaming message, so an answer is sent once when it ends (its text and any notice), and
/// plain texts as they come — into the chat the message's reply context names, through the same wire as the bot's.
/// </summary>
internal sealed class TestChatAssistantReplies(TestChatWire wire) : IAssistantReplies
{
    /// <summary>testchat shows text as written: a masked value needs no escaping.</summary>
    public ReplacementLiteral MaskedLiteral { get; } = (replacement, _) => replacement;

    public Task<IAssistantReplyWriter> OpenAsync(AssistantReplyTarget target, CancellationToken cancellationToken) =>
        Task.FromResult<IAssistantReplyWriter>(new Writer(wire, target));

    public Task CloseInterruptedAsync(AssistantReplyTarget target, string handle, string? shownText, CancellationToken cancellationToken)
    {
        Send(wire, target, $"{shownText}\n{AssistantReplyEnd.InterruptedNotice}".Trim(), $"{handle}/interrupted");
        return Task.CompletedTask;
    }

    public Task SendTextAsync(AssistantReplyTarget target, string text, string idempotencyKey, CancellationToken cancellationToken)
    {
        Send(wire, target, text, idempotencyKey);
        return Task.CompletedTask;
    }

    private static void Send(TestChatWire wire, AssistantReplyTarget target, string text, string key)
    {
        // The platform dedupes on the key, as the bot's messenger does.
        if (!wire.Sent.Any(s => s.App == target.App && s.Key == key))
        {
            wire.Sent.Enqueue((target.App, target.ReplyContext ?? target.ConversationId, text, key));
        }
    }

    private sealed class Writer(TestChatWire wire, AssistantReplyTarget target) : IAssistantReplyWriter
    {
        public string Handle => target.AnswerId;

        public string? MessageId { get; private set; }

        public int Updates { get; private set; }

        public void Show(string text)
        {
            // Nothing is shown before the end: testchat cannot edit a message it sent.
        }

        public Task FinishAsync(AssistantReplyEnd end, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(end);
            Send(wire, target, end.Notice is { } notice ? $"{end.Text}\n{notice}".Trim() : end.Text, $"{Handle}/answer");
            MessageId = $"tc-answer-{target.TurnId}";
            Updates = 1;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
