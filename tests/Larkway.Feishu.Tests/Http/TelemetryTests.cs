using System.Diagnostics.Metrics;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Http;

public class TelemetryTests
{
    [Fact]
    public async Task Calls_are_counted_by_path_template_and_code_and_timed()
    {
        var measurements = new List<(string Instrument, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Larkway")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Record(instrument, tags));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
        listener.Start();

        var stub = new StubHandler((r, _) => r.Path.EndsWith("om_gone", StringComparison.Ordinal)
            ? Responses.Error(FeishuErrorCodes.MessageRecalled, "recalled")
            : Responses.Ok());
        using var client = TestClients.Create(stub, o => o.AppId = "cli_metrics");

        await client.Im.Messages.RecallAsync("om_1");
        await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Messages.RecallAsync("om_gone"));

        List<(string Instrument, Dictionary<string, object?> Tags)> mine;
        lock (measurements)
        {
            mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("feishu.app_id"), "cli_metrics")).ToList();
        }

        var calls = mine.Where(m => m.Instrument == "larkway.feishu.calls").ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal("/open-apis/im/v1/messages/{message_id}", c.Tags["url.template"]));
        Assert.Equal([0, FeishuErrorCodes.MessageRecalled], calls.Select(c => (int)c.Tags["feishu.code"]!));
        Assert.Equal(2, mine.Count(m => m.Instrument == "larkway.feishu.call.duration"));

        // OpenTelemetry's HTTP client attributes where they apply; error.type only on the failure.
        Assert.All(mine.Where(m => m.Instrument is "larkway.feishu.calls" or "larkway.feishu.call.duration"), m =>
        {
            Assert.Equal("DELETE", m.Tags["http.request.method"]);
            Assert.Equal("feishu.test", m.Tags["server.address"]);
            Assert.Equal(80, m.Tags["server.port"]);
        });
        Assert.Equal([null, "230011"], calls.Select(c => c.Tags.GetValueOrDefault("error.type")));

        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, copy));
            }
        }
    }

    [Fact]
    public async Task Domain_clients_can_be_faked_by_overriding_virtual_members()
    {
        var fake = new FakeMessages();

        var sent = await fake.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("hi"));

        Assert.Equal("om_fake", sent.MessageId);
        Assert.Equal("fake-uuid", sent.Uuid);
    }

    private sealed class FakeMessages : MessagesClient
    {
        public override Task<SentMessage> SendAsync(ReceiveId to, MessageContent content, string? uuid = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SentMessage(new FeishuMessage { MessageId = "om_fake", MessageType = content.MessageType, ChatId = to.Value }, uuid ?? "fake-uuid"));
    }
}
