using Larkway.DingTalk.Stream;
using Larkway.Hub.Apps;
using Larkway.Hub.DingTalk;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.Tests.DingTalk;

public sealed class DingTalkStreamDutyTests
{
    [Fact]
    public void A_stored_app_connects_for_its_robot_messages_card_callbacks_and_events_with_its_own_credentials()
    {
        var options = DingTalkStreamDuty.StreamOptionsOf(App());

        options.AppKey.ShouldBe("dingstoredapp0001");
        options.AppSecret.ShouldBe("app-secret");
        options.ApiBaseUrl.ShouldBe(new Uri("http://127.0.0.1:9/dingtalk"));
        options.Subscriptions.ShouldBe([DingTalkStreamSubscription.RobotMessages, DingTalkStreamSubscription.CardCallbacks, DingTalkStreamSubscription.AllEvents]);
    }

    [Fact]
    public void As_many_pushes_are_handled_at_once_as_one_inbox_group_commit_takes()
    {
        // Each handler waits for its push's group commit; fewer at once than a commit takes would cap every commit's size.
        DingTalkStreamDuty.StreamOptionsOf(App()).MaxConcurrentHandlers.ShouldBe(GroupCommitQueue<PendingAppend>.MaxBatch);
        GroupCommitQueue<PendingAppend>.MaxBatch.ShouldBeGreaterThan(new DingTalkStreamOptions().MaxConcurrentHandlers);
    }

    private static StoredApp App() => new(
        "dt-org", "dingstoredapp0001", new Uri("http://127.0.0.1:9/dingtalk"), "app-secret", null, null, LegacyCardCallbacks: false, Enabled: true,
        DateTimeOffset.UnixEpoch, Error: null, HubAppPlatform.DingTalk, AgentId: 3000000001);
}
