using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.Channels.Messages;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// A made-up platform added from this test project only, to show that a platform plugs into the Hub through the seams
/// alone: its inbox transport (declared here), its inbox handler, and its apps' bots seated at the one door.
/// </summary>
internal static class TestChatPlatform
{
    public const string Platform = "testchat";

    /// <summary>The inbox type of a message to a testchat app.</summary>
    public const string MessageType = "testchat.message";

    /// <summary>The inbox type of a press of a button on a testchat app's card.</summary>
    public const string ClickType = "testchat.click";

    /// <summary>How its events arrive: a push, stored as <c>TestchatPush</c>.</summary>
    public static InboxTransport Transport { get; } = new("TestchatPush");

    public static IServiceCollection AddTestChat(this IServiceCollection services, TestChatWire wire)
    {
        services.AddSingleton(wire);
        services.AddHubPlatformUnit(new Larkway.Channels.Messages.ChannelPlatform(Platform))
            .SeatBot(Platform, (_, app) => new BotSeat(new TestChatMessenger(wire, app)))
            .Supply<IInboxPlatformHandler, TestChatInboxHandler>();
        return services;
    }

    /// <summary>A message as testchat's receiver would hand it to the inbox: deduplicated on its id, in its chat's lane.</summary>
    public static PlatformInbound Message(string app, string id, string chat, string from, string text) =>
        new(app, MessageType, Transport, [$"tc:{app}:{id}"], JsonSerializer.SerializeToUtf8Bytes(new { id, chat, from, text })) { Lane = chat };

    /// <summary>A press of a card's button as testchat's receiver would hand it to the inbox: the button's value names its action.</summary>
    public static PlatformInbound Click(string app, string id, string chat, string from, string action) =>
        new(app, ClickType, Transport, [$"tc:{app}:{id}"], JsonSerializer.SerializeToUtf8Bytes(new { id, chat, from, action })) { Lane = chat };
}

/// <summary>What testchat's apps sent, as the platform would show it.</summary>
internal sealed class TestChatWire
{
    public ConcurrentQueue<(string App, string Chat, string Text, string Key)> Sent { get; } = new();

    public IEnumerable<string> TextsIn(string chat) => Sent.Where(s => s.Chat == chat).Select(s => s.Text);

    /// <summary>How testchat showed the answers to card clicks: the toast and the replacing card's text.</summary>
    public ConcurrentQueue<(string Chat, string? Toast, string? Card)> Answered { get; } = new();
}

/// <summary>testchat's messenger: a reply goes to the chat the room kept in the message's reply context.</summary>
internal sealed class TestChatMessenger(TestChatWire wire, string app) : IBotMessenger
{
    public Task ReplyAsync(BotMessage to, ChannelReply content, string idempotencyKey, CancellationToken cancellationToken)
    {
        var chat = to.ReplyContext ?? throw new InvalidOperationException("A testchat reply needs its chat in the reply context.");
        return SendToChatAsync(chat, content, idempotencyKey, cancellationToken);
    }

    public Task SendToChatAsync(string chatId, ChannelReply content, string idempotencyKey, CancellationToken cancellationToken)
    {
        // The platform dedupes on the key, as Feishu's uuid does.
        if (!wire.Sent.Any(s => s.App == app && s.Key == idempotencyKey))
        {
            wire.Sent.Enqueue((app, chatId, content is TextReply text ? text.Text : content.GetType().Name, idempotencyKey));
        }

        return Task.CompletedTask;
    }
}

/// <summary>testchat's inbox handler: a stored message goes to its app's bot through the door, a card click to its card actions.</summary>
internal sealed class TestChatInboxHandler(AppBots bots, TestChatWire wire, BotCardActions? cardActions = null) : IInboxPlatformHandler
{
    public IReadOnlyCollection<InboxTransport> Transports { get; } = [TestChatPlatform.Transport];

    public InboxEventContext Read(InboxEvent item) =>
        new(item.Id, item.AppName, new Larkway.Channels.Messages.ChannelPlatform(TestChatPlatform.Platform), item.EventType, item.DedupKey, null, item.ReceivedAt, JsonElement.Parse(item.Body));

    public async Task<InboxHandling> HandleAsync(InboxEvent item, InboxEventContext context, bool observed, CancellationToken cancellationToken)
    {
        var root = context.Event;
        var id = root.GetProperty("id").GetString()!;
        var chat = root.GetProperty("chat").GetString()!;
        if (item.EventType == TestChatPlatform.ClickType && cardActions is not null)
        {
            // Read once into the Hub's click, answered by the bot's card actions, shown in testchat's own form.
            var action = root.GetProperty("action").GetString()!;
            var click = new BotCardContext(item.AppName, new ChannelPlatform(TestChatPlatform.Platform), action)
            {
                ClickId = id,
                Operator = new CardClickOperator(root.GetProperty("from").GetString()!),
                ChatId = chat,
                Value = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [BotCardActions.ActionField] = action }),
            };
            var answer = await bots.Get(TestChatPlatform.Platform, item.AppName).HandleCardClickAsync(click, cardActions, cancellationToken).ConfigureAwait(false);
            wire.Answered.Enqueue((chat, answer?.Toast?.Text, answer?.Card?.Markdown));
            return InboxHandling.Handled(item.ReceivedAt);
        }

        var message = new BotMessage
        {
            Inbound = TestChatAssistant.Inbound(item.AppName, id, chat, root.GetProperty("from").GetString()!, root.GetProperty("text").GetString()!.Trim(), item.ReceivedAt),
            SenderIdName = "testchat user",
            ReplyContext = chat,
            EventKey = $"testchat/{item.AppName}/{id}",
            Arrival = InboxArrival.Of(item),
        };
        await bots.Get(TestChatPlatform.Platform, item.AppName).HandleMessageAsync(message, "tc-" + item.Id, cancellationToken).ConfigureAwait(false);

        return InboxHandling.Handled(item.ReceivedAt);
    }
}
