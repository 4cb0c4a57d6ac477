using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Larkway.WeCom.Tests.TestSupport;

namespace Larkway.WeCom.Tests.Http;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Calls_and_token_fetches_are_counted_on_the_larkway_meter_with_their_code()
    {
        var corp = "ww" + Guid.NewGuid().ToString("N")[..16];
        var measurements = new ConcurrentQueue<(string Instrument, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Larkway" && instrument.Name.StartsWith("larkway.wecom.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        var stub = new StubHandler().Token()
            .Reply("/cgi-bin/user/get", """{"errcode":0,"errmsg":"ok","userid":"a"}""")
            .Reply("/cgi-bin/user/get", """{"errcode":60111,"errmsg":"userid not found"}""");
        using var client = new WeComClient(new WeComAppOptions { CorpId = corp, CorpSecret = "s", AgentId = 7, ApiBaseUrl = new Uri("http://wecom.test") }, handler: stub);

        await client.Users.GetAsync("a");
        await Should.ThrowAsync<WeComApiException>(() => client.Users.GetAsync("b"));

        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("wecom.app"), $"{corp}/7")).ToList();
        mine.Count(m => m.Instrument == "larkway.wecom.token.requests").ShouldBe(1);
        var calls = mine.Where(m => m.Instrument == "larkway.wecom.calls").ToList();
        calls.Select(c => c.Tags["wecom.code"]).ShouldBe(["0", "60111"]);
        calls.ShouldAllBe(c => Equals(c.Tags["url.template"], "/cgi-bin/user/get"));
    }
}
