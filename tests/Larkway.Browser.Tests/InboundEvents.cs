using System.Text.Json;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;

namespace Larkway.Browser.Tests;

/// <summary>Events to put straight into the Hub's inbox (<c>InboxStore.AppendAsync</c>), as if Feishu had sent them.</summary>
internal static class InboundEvents
{
    /// <summary>A schema 2.0 event of <paramref name="eventType"/> whose <c>event</c> is <paramref name="content"/>, arrived over HTTP for the default app.</summary>
    public static FeishuInboundEvent V2(string eventId, string eventType, object content)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schema = "2.0",
            header = new { event_id = eventId, event_type = eventType, create_time = "1700000000000", app_id = "cli_test", tenant_key = "tk" },
            @event = content,
        });
        return new FeishuInboundEvent(FeishuEventEnvelope.Parse(body), body, FeishuEventTransport.Http, "");
    }
}
