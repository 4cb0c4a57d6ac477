using System.Text.Json;
using Larkway.DingTalk.Workflow;

namespace Larkway.DingTalk.Tests.Workflow;

/// <summary>Reading the approval events as an HTTP callback's decrypted body and as Stream data carry them.</summary>
public sealed class WorkflowEventTests
{
    [Fact]
    public void A_callback_body_reads_with_its_own_event_type_and_times_as_numbers_or_strings()
    {
        var e = DingTalkWorkflowEvent.Parse("""
            {"EventType":"bpms_instance_change","processInstanceId":"pi-1","processCode":"PROC-X","corpId":"ding1","type":"finish",
             "result":"refuse","staffId":"bob","title":"t","createTime":"1764500000000","finishTime":1764500060000}
            """);

        e.IsInstanceChange.ShouldBeTrue();
        e.ProcessInstanceId.ShouldBe("pi-1");
        e.Type.ShouldBe("finish");
        e.Result.ShouldBe("refuse");
        e.StaffId.ShouldBe("bob");
        e.CreateTime.ShouldBe(1764500000000);
        e.FinishTime.ShouldBe(1764500060000);
    }

    [Fact]
    public void Stream_data_takes_the_event_type_from_the_frame_and_a_body_without_an_instance_is_refused()
    {
        var e = DingTalkWorkflowEvent.Parse("""{"processInstanceId":"pi-2","type":"start","staffId":"alice","taskId":7}""", DingTalkWorkflowEvent.TaskChange);

        e.EventType.ShouldBe("bpms_task_change");
        e.IsInstanceChange.ShouldBeFalse();
        e.TaskId.ShouldBe(7);
        Should.Throw<JsonException>(() => DingTalkWorkflowEvent.Parse("""{"type":"start"}""")).Message.ShouldContain("processInstanceId");
    }
}
