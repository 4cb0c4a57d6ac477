using System.Text.RegularExpressions;
using Larkway.Channels.Messages;
using Larkway.Emulator.State;
using Larkway.Hub.Bots;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// <c>/link</c> from a Feishu account the directory does not know, handed to a Hub's assistant router as the Feishu bot
/// hands a direct message over (after the inbox, which runs 64 at once with no order per chat): the test sends as many at
/// once as it likes, to the replica it names, and sees each reply as it is sent.
/// </summary>
internal static partial class LinkAsker
{
    /// <summary>The queue the Hub sends link codes from (a name, so that the tests also compile against a Hub without it).</summary>
    public const string DeliveryQueue = "assistant-link-codes";

    /// <summary>
    /// <paramref name="text"/> from Feishu account <paramref name="openId"/> to <paramref name="hub"/>'s configured app;
    /// returns the replies. <paramref name="beforeReply"/> runs as each reply is sent, before the Hub's reply call returns.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SayAsync(HubSandbox hub, string openId, string text, Func<string, Task>? beforeReply = null)
    {
        var appId = hub.Host.Settings.AppId ?? hub.State.Apps[0].AppId;
        var messageId = "om_link_" + Guid.NewGuid().ToString("N");
        var message = new InboundMessage
        {
            Platform = ChannelPlatform.Feishu,
            App = new ChannelApp(appId),
            Conversation = new ChannelConversation("oc_p2p_" + openId, ConversationKind.Direct),
            Sender = new ChannelSender(openId),
            Text = text,
            PlatformMessageType = "text",
            MessageId = messageId,
            ReceivedAt = DateTimeOffset.UtcNow,
            DedupKey = InboundMessage.DedupKeyFor(ChannelPlatform.Feishu, appId, messageId),
        };
        var replies = new List<string>();
        var taken = await hub.Host.Services.GetRequiredService<IBotAssistant>().TryAcceptAsync(
            "",
            message,
            arrival: null,
            replyContext: null,
            async (reply, _, _) =>
            {
                if (beforeReply is not null)
                {
                    await beforeReply(reply);
                }

                replies.Add(reply);
            },
            CancellationToken.None);
        taken.ShouldBeTrue("the configured app's assistant takes the message");
        return replies;
    }

    /// <summary>The link codes the Feishu bot sent (to anyone), in order.</summary>
    public static List<string> FeishuCodes(EmulatorState state) =>
        [.. state.Chats.SelectMany(chat => state.MessagesIn(chat.ChatId))
            .Where(m => m.Sender.SenderType == "app" && m.MsgType == "text")
            .Select(m => CodeText().Match(m.Content)).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    /// <summary>The code rows asked for from Feishu account <paramref name="openId"/>, oldest first.</summary>
    public static async Task<List<PersonLinkCodeRow>> CodesAsync(HubSandbox hub, string openId)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.PersonLinkCodes.AsNoTracking().Where(c => c.UserId == openId).OrderBy(c => c.Id).ToListAsync();
    }

    /// <summary>The code rows for person <paramref name="personId"/>.</summary>
    public static async Task<int> CodesForAsync(HubSandbox hub, string personId)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.PersonLinkCodes.CountAsync(c => c.PersonId == personId);
    }

    /// <summary>The link codes' delivery items, by state.</summary>
    public static async Task<List<WorkState>> DeliveriesAsync(HubSandbox hub)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.WorkItems.AsNoTracking().Where(w => w.Queue == DeliveryQueue).Select(w => w.State).ToListAsync();
    }

    /// <summary>Waits until every link code's delivery item has ended, so what was sent is all that will be.</summary>
    public static Task DeliveriesEndedAsync(HubSandbox hub) =>
        hub.WaitForAsync(() => DeliveriesAsync(hub).GetAwaiter().GetResult().All(s => s is WorkState.Done or WorkState.DeadLetter), "every link code's delivery ended", 60);

    /// <summary>
    /// Sends 40 wrong codes for the code <paramref name="code"/> from <paramref name="openId"/> at once, in turn to each of
    /// <paramref name="hubs"/>; returns the replies.
    /// </summary>
    public static async Task<List<string>> FortyWrongCodesAtOnceAsync(IReadOnlyList<HubSandbox> hubs, string openId, string code)
    {
        var right = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = Enumerable.Range(1, 40).Select(i => Task.Run(async () =>
        {
            await go.Task;
            var guess = ((right + i) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            return (await SayAsync(hubs[i % hubs.Count], openId, "/link " + guess)).ShouldHaveSingleItem();
        })).ToList();
        go.SetResult();
        return [.. await Task.WhenAll(sends)];
    }

    [GeneratedRegex(@"link your [^:]+ account: (\d{6})")]
    private static partial Regex CodeText();
}
