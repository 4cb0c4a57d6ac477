using Larkway.Hub.Apps;
using Larkway.Hub.Feishu;

namespace Larkway.Hub.Tests.Apps;

public sealed class HubAppScopesTests
{
    [Fact]
    public void Each_scope_is_listed_once_with_every_feature_and_reason_that_needs_it()
    {
        var scopes = HubAppScopes.For(new FeishuHubPlatform().Scopes, HubAppFeatures.Bot | HubAppFeatures.Notifications | HubAppFeatures.EmailLookup);

        scopes.Select(s => s.Scope).ShouldBe(["im:message:send_as_bot", "im:message.p2p_msg:readonly", "im:message.group_at_msg:readonly", "cardkit:card:write", "contact:user.id:readonly"]);
        var send = scopes.Single(s => s.Scope == "im:message:send_as_bot");
        send.Features.ShouldBe(["bot", "notifications"]);
        send.Reason.ShouldContain("Notifications");
        send.Confirmed.ShouldBeTrue();
        scopes.Single(s => s.Scope == "im:message.p2p_msg:readonly").Confirmed.ShouldBeFalse();
    }

    [Fact]
    public void The_bot_asks_for_cardkit_card_write_because_assistant_answers_stream_into_card_entities()
    {
        var cardKit = HubAppScopes.For(new FeishuHubPlatform().Scopes, HubAppFeatures.Bot).SingleOrDefault(s => s.Scope == "cardkit:card:write");

        cardKit.ShouldNotBeNull("the default app's list is meant to be complete, and streaming answers create CardKit cards");
        cardKit.Features.ShouldBe(["bot"]);
        cardKit.Reason.ShouldContain("CardKit");
        HubAppScopes.For(new FeishuHubPlatform().Scopes, HubAppFeatures.Notifications | HubAppFeatures.EmailLookup).ShouldNotContain(s => s.Scope == "cardkit:card:write");
    }

    [Fact]
    public void Only_the_configured_app_runs_the_bot_and_forwarding_alone_needs_no_scope()
    {
        var stored = new HubAppInfo("ops", "cli_x", new Uri("https://open.feishu.cn"), true, true, true, false, LegacyCardCallbacks: true, ReadOnly: false, null, null) { PlatformInfo = new FeishuHubPlatform() };
        HubAppScopes.FeaturesOf(stored).HasFlag(HubAppFeatures.Bot).ShouldBeFalse();
        HubAppScopes.FeaturesOf(stored with { ReadOnly = true }).HasFlag(HubAppFeatures.Bot).ShouldBeTrue();
        HubAppScopes.For(new FeishuHubPlatform().Scopes, HubAppFeatures.Events).ShouldBeEmpty();
        HubAppScopes.FeatureNames(HubAppFeatures.Notifications | HubAppFeatures.Events).ShouldBe(["notifications", "events"]);
    }
}
