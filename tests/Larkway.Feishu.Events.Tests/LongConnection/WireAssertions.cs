using System.Globalization;
using System.Text.Json;
using Larkway.Feishu.Events.Tests.LongConnection.FakeServer.Wire;

namespace Larkway.Feishu.Events.Tests.LongConnection;

/// <summary>Reading what the client sent, on the fake server's side of the wire.</summary>
internal static class WireAssertions
{
    public static string? Header(this Frame frame, string key) =>
        frame.Headers.FirstOrDefault(h => h.Key == key)?.Value;

    public static JsonElement AckBody(this Frame ack)
    {
        using var document = JsonDocument.Parse(ack.Payload.Memory);
        return document.RootElement.Clone();
    }

    public static int AckCode(this Frame ack) => ack.AckBody().GetProperty("code").GetInt32();

    /// <summary>The ack is the request frame echoed: same ids, service, method, headers in order, plus a non-negative biz_rt.</summary>
    public static void ShouldAcknowledge(this Frame ack, Frame request)
    {
        ack.SeqID.ShouldBe(request.SeqID);
        ack.LogID.ShouldBe(request.LogID);
        ack.Service.ShouldBe(request.Service);
        ack.Method.ShouldBe(1);
        ack.Headers.Count.ShouldBe(request.Headers.Count + 1);
        for (var i = 0; i < request.Headers.Count; i++)
        {
            ack.Headers[i].ShouldBe(request.Headers[i]);
        }

        var bizRt = ack.Headers[^1];
        bizRt.Key.ShouldBe("biz_rt");
        long.Parse(bizRt.Value, NumberStyles.None, CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(0);
    }
}
