using Larkway.Channels.Backends;
using Larkway.Channels.Messages;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Attachments;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// testchat registered whole, as a platform's room registers itself: its parts (bot and inbox, assistant, notifications,
/// people) and the two pieces no other test needed, the apps' connection test and the source of a question's files.
/// </summary>
internal static class TestChatUnit
{
    public static IServiceCollection AddTestChatUnit(this IServiceCollection services, TestChatWire wire, TestChatUsers users)
    {
        services.AddTestChat(wire).AddTestChatAssistant().AddTestChatNotifications(users).AddTestChatPeople();
        services.AddHubPlatformUnit(TestChatAssistant.Channel)
            .Supply<IPlatformConnectionTest, TestChatConnectionTest>()
            .Supply<IAssistantAttachmentSource, TestChatAttachmentSource>();
        return services;
    }
}

/// <summary>testchat's apps need nothing checked: every stored one answers.</summary>
internal sealed class TestChatConnectionTest : IPlatformConnectionTest
{
    public Task<HubAppTestResult> RunAsync(StoredApp app, CancellationToken cancellationToken) => Task.FromResult(new HubAppTestResult(true));
}

/// <summary>testchat messages carry no files.</summary>
internal sealed class TestChatAttachmentSource : IAssistantAttachmentSource
{
    public bool CanFetch(ChannelAttachment attachment) => false;

    public Task<AssistantFile> FetchAsync(string app, string messageId, ChannelAttachment attachment, long maxBytes, CancellationToken cancellationToken) =>
        throw new AssistantAttachmentException("testchat messages carry no files.", transient: false);
}
