using Larkway.Hub.Notifications.Routing;

namespace Larkway.Hub.Tests.Notifications.Routing;

/// <summary>A delivery's way through the platforms, as stored: read back as written, and the older comma list still read.</summary>
public sealed class RouteStepTests
{
    [Fact]
    public void Steps_read_back_as_written_the_current_one_without_an_outcome()
    {
        var stored = RouteStep.Write([new("wecom", RouteStep.AppOff), new("dingtalk", RouteStep.Refused, -100), new("feishu")]);

        RouteStep.Read(stored).ShouldBe([new("wecom", RouteStep.AppOff), new("dingtalk", RouteStep.Refused, -100), new("feishu")]);
        stored.ShouldBe("""[{"platform":"wecom","outcome":"app_off"},{"platform":"dingtalk","outcome":"refused","code":-100},{"platform":"feishu"}]""");
    }

    [Fact]
    public void A_list_stored_before_steps_were_kept_reads_as_refusals_and_nothing_stored_as_no_steps()
    {
        RouteStep.Read("dingtalk,wecom").ShouldBe([new("dingtalk", RouteStep.Refused), new("wecom", RouteStep.Refused)]);
        RouteStep.Read(null).ShouldBeEmpty();
        RouteStep.Read("[not json").ShouldBeEmpty();
    }
}
