using Larkway.Hub.Notifications.Routing;

namespace Larkway.Hub.Tests.Notifications.Routing;

/// <summary>A delivery's way through the platforms, as stored: read back as written, and the older comma list still read.</summary>
public sealed class RouteStepTests
{
    [Fact]
    public void Steps_read_back_as_written_the_current_one_without_an_outcome()
    {
        var stored = RouteStep.Write([new("wecom", RouteStep.AppOff), new("dingtalk", RouteStep.Refused, "-100"), new("feishu")]);

        RouteStep.Read(stored).ShouldBe([new("wecom", RouteStep.AppOff), new("dingtalk", RouteStep.Refused, "-100"), new("feishu")]);
        stored.ShouldBe("""[{"platform":"wecom","outcome":"app_off"},{"platform":"dingtalk","outcome":"refused","code":-100},{"platform":"feishu"}]""");
    }

    [Fact]
    public void A_refusal_keeps_the_platforms_code_as_it_is_its_message_and_request_id()
    {
        var stored = RouteStep.Write([
            RouteStep.RefusedWith("wecom", Larkway.Hub.Platform.Http.PlatformFailure.Numbered("wecom", 81013, "all recipients invalid", "req-wc")),
            RouteStep.RefusedWith("dingtalk", Larkway.Hub.Platform.Http.PlatformFailure.Named("dingtalk", "Forbidden.AccessDenied", "no permission", "req-dt")),
            new("feishu")]);

        stored.ShouldBe("""[{"platform":"wecom","outcome":"refused","code":81013,"message":"all recipients invalid","request_id":"req-wc"},"""
            + """{"platform":"dingtalk","outcome":"refused","code":"Forbidden.AccessDenied","message":"no permission","request_id":"req-dt"},{"platform":"feishu"}]""");
        var read = RouteStep.Read(stored);
        read[0].Failure!.CodeElement.GetInt32().ShouldBe(81013);
        read[1].Failure!.CodeElement.GetString().ShouldBe("Forbidden.AccessDenied");
        read[2].Failure.ShouldBeNull();
    }

    [Fact]
    public void A_list_stored_before_steps_were_kept_reads_as_refusals_and_nothing_stored_as_no_steps()
    {
        RouteStep.Read("dingtalk,wecom").ShouldBe([new("dingtalk", RouteStep.Refused), new("wecom", RouteStep.Refused)]);
        RouteStep.Read(null).ShouldBeEmpty();
        RouteStep.Read("[not json").ShouldBeEmpty();
    }
}
