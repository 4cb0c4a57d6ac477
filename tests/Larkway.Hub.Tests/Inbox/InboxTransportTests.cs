using System.Text.Json;
using Larkway.Hub.DingTalk;
using Larkway.Hub.Inbox;
using Larkway.Hub.WeCom;
using Larkway.Hub.WeCom.AiBot;
using Microsoft.AspNetCore.Builder;

namespace Larkway.Hub.Tests.Inbox;

/// <summary>
/// The inbox's transports are open (each room declares its own), yet the names in <c>inbox_events.transport</c> and on the
/// API stay exactly those of the enum they replaced, so stored rows and API clients read as before.
/// </summary>
public sealed class InboxTransportTests
{
    public static TheoryData<string, string, string> Declared => new()
    {
        { nameof(InboxTransport.Http), "Http", "http" },
        { nameof(InboxTransport.LongConnection), "LongConnection", "long_connection" },
        { "DingTalkIngest.StreamTransport", "DingtalkStream", "dingtalk_stream" },
        { "DingTalkIngest.CallbackTransport", "DingtalkCallback", "dingtalk_callback" },
        { "WeComIngest.Transport", "WecomCallback", "wecom_callback" },
        { "WeComAiBotIngest.Transport", "WecomAibot", "wecom_aibot" },
    };

    private static InboxTransport Of(string declared) => declared switch
    {
        nameof(InboxTransport.Http) => InboxTransport.Http,
        nameof(InboxTransport.LongConnection) => InboxTransport.LongConnection,
        "DingTalkIngest.StreamTransport" => DingTalkIngest.StreamTransport,
        "DingTalkIngest.CallbackTransport" => DingTalkIngest.CallbackTransport,
        "WeComIngest.Transport" => WeComIngest.Transport,
        "WeComAiBotIngest.Transport" => WeComAiBotIngest.Transport,
        _ => throw new ArgumentOutOfRangeException(nameof(declared)),
    };

    [Theory]
    [MemberData(nameof(Declared))]
    public void Each_rooms_transport_keeps_its_stored_and_wire_name(string declared, string stored, string wire)
    {
        var transport = Of(declared);

        transport.Name.ShouldBe(stored);
        transport.ToString().ShouldBe(stored);
        InboxTransport.Parse(stored).ShouldBe(transport);
        JsonSerializer.Serialize(transport).ShouldBe($"\"{wire}\"");
        JsonSerializer.Deserialize<InboxTransport>($"\"{wire}\"").ShouldBe(transport);
    }

    [Fact]
    public void An_unset_transport_reads_as_http_as_the_enum_default_did()
    {
        default(InboxTransport).ShouldBe(InboxTransport.Http);
        default(InboxTransport).Name.ShouldBe("Http");
    }

    [Theory]
    [InlineData("")]
    [InlineData("dingtalk_stream")]
    [InlineData("Has space")]
    [InlineData("AVeryLongTransportNameThatWillNotFit")]
    public void A_name_the_column_could_not_hold_as_written_is_refused(string name)
    {
        Should.Throw<ArgumentException>(() => new InboxTransport(name));
    }

    [Fact]
    public void An_api_admin_event_shows_the_transport_in_snake_case()
    {
        var dto = new AdminEventDto(1, "dingtalk.robot_message", null, DateTimeOffset.UnixEpoch, InboxEventStatus.Done, 1, null, "dt", DingTalkIngest.StreamTransport);

        JsonDocument.Parse(JsonSerializer.Serialize(dto, new JsonSerializerOptions(JsonSerializerDefaults.Web))).RootElement
            .GetProperty("transport").GetString().ShouldBe("dingtalk_stream");
    }
}
