using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Units;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// A platform is one unit, checked at start like an authentication scheme: the Hub's whole composition with testchat's
/// unit added passes the start's check, and the same unit missing one piece fails it with a message that names the
/// platform, the piece and the room that needs it.
/// </summary>
public sealed class TestChatUnitTests
{
    private static ServiceProvider Hub(Action<IServiceCollection> platform)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Larkway:Storage:ConnectionString"] = "Data Source=unit-check.db",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        HubApp.AddHub(services, configuration, new HubSettings { AppId = "cli_unit", AppSecret = "secret", VerificationToken = "vt" });
        platform(services);
        return services.BuildServiceProvider();
    }

    private static void Check(ServiceProvider hub) => hub.GetRequiredService<IOptionsMonitor<PlatformUnitsCheck>>().Get(Options.DefaultName);

    [Fact]
    public void The_hubs_own_platforms_and_a_whole_fourth_unit_pass_the_start_check()
    {
        using var hub = Hub(s => s.AddTestChatUnit(new TestChatWire(), new TestChatUsers()));

        Should.NotThrow(() => Check(hub));
        hub.GetRequiredService<PlatformPieces<IAssistantReplies>>().Platforms.Select(p => p.Name)
            .ShouldBe(["feishu", "dingtalk", "wecom", "testchat"], ignoreOrder: true);
    }

    [Fact]
    public void A_unit_missing_a_piece_fails_the_start_naming_it()
    {
        // testchat's parts without its assistant part: its replies are the piece left out.
        using var hub = Hub(s =>
        {
            s.AddTestChat(new TestChatWire()).AddTestChatNotifications(new TestChatUsers()).AddTestChatPeople();
            s.AddHubPlatformUnit(TestChatAssistant.Channel)
                .Supply<Larkway.Hub.Apps.IPlatformConnectionTest, TestChatConnectionTest>()
                .Supply<Larkway.Hub.Assistants.Attachments.IAssistantAttachmentSource, TestChatAttachmentSource>();
        });

        var failure = Should.Throw<OptionsValidationException>(() => Check(hub));
        failure.Failures.ShouldHaveSingleItem().ShouldBe(
            "The platform 'testchat' supplies no IAssistantReplies, which the assistants need (its replies: streamed answers, plain texts): "
            + "add .Supply<IAssistantReplies, …>() to its AddHubPlatformUnit(…).");
    }

    [Fact]
    public void A_platform_with_only_its_facts_is_told_every_piece_it_lacks()
    {
        using var hub = Hub(s => s.AddHubPlatformUnit(new TestChatHubPlatform()));

        var failure = Should.Throw<OptionsValidationException>(() => Check(hub));
        failure.Failures.ShouldAllBe(f => f.StartsWith("The platform 'testchat' supplies no ", StringComparison.Ordinal));
        failure.Failures.Select(f => f["The platform 'testchat' supplies no ".Length..f.IndexOf(',', StringComparison.Ordinal)]).ShouldBe(
            ["IPlatformConnectionTest", "IInboxPlatformHandler", "INotificationChannel", "IPlatformAccounts", "IPersonAddressing", "IAssistantReplies", "IAssistantAttachmentSource", "BotPlatformRegistration"],
            ignoreOrder: true);
        failure.Failures.ShouldContain(f => f.Contains("add .SeatBot(key, …) to its AddHubPlatformUnit(…)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_room_added_twice_supplies_each_piece_once_and_a_platform_may_supply_several_of_a_kind()
    {
        using var hub = Hub(s => s.AddHubDingTalk().AddHubWeComAiBot(connections: false));

        Should.NotThrow(() => Check(hub));
        hub.GetRequiredService<PlatformPieces<IAssistantReplies>>().Of("dingtalk").ShouldHaveSingleItem();

        // WeCom's app messages and its AI bot: two inbox handlers and two bot seats in one unit.
        hub.GetRequiredService<PlatformPieces<Larkway.Hub.Inbox.IInboxPlatformHandler>>().Of("wecom").Count.ShouldBe(2);
        hub.GetRequiredService<PlatformPieces<Larkway.Hub.Bots.BotPlatformRegistration>>().Of("wecom").Select(b => b.Key)
            .ShouldBe(["wecom", "wecom.aibot"], ignoreOrder: true);
    }
}
