using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;
using static Larkway.Emulator.Tests.DingTalk.Stream.StreamTestHelpers;

namespace Larkway.Emulator.Tests.DingTalk.Stream;

/// <summary>Faults set through <c>/_emulator/dingtalk/stream/faults</c> and from code.</summary>
public sealed class DingTalkStreamFaultTests
{
    [Fact]
    public async Task Drop_aborts_the_tcp_connection_without_a_close_frame()
    {
        await using var emulator = await StartAsync();
        await using var client = await StreamTestClient.ConnectAsync(emulator);
        var id = emulator.OnlyConnectionId();

        using var reply = await Fault(emulator, new { kind = "drop", connectionId = id });
        await client.WaitClosedAsync();

        Assert.Equal(200, reply.Status);
        Assert.False(client.ClosedWithCloseFrame);
        var view = emulator.ConnectionView(id);
        Assert.Equal("closed", view.State);
        Assert.Equal("dropped (fault)", view.CloseReason);
        using var after = await emulator.RobotMessageAsync();
        Assert.Equal(JsonValueKind.Null, after.Json.GetProperty("connectionId").ValueKind);
    }

    [Fact]
    public async Task A_half_open_connection_stays_in_the_pool_black_holes_frames_and_is_closed_by_the_ping_rule()
    {
        await using var emulator = await StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(300);
            o.MissedPingsBeforeClose = 3;
        });
        await using var client = await StreamTestClient.ConnectAsync(emulator);
        var id = emulator.OnlyConnectionId();
        await client.NextOfTopicAsync("ping");   // answered: the connection was healthy

        using var fault = await Fault(emulator, new { kind = "half-open", connectionId = id });
        Assert.Equal("half-open", fault.Json.GetProperty("state").GetString());
        using var robot = await emulator.RobotMessageAsync();

        // Still chosen (the server cannot tell), but the frame never reaches the client.
        Assert.Equal(id, robot.Json.GetProperty("connectionId").GetString());
        var robotMessageId = robot.Json.GetProperty("messageId").GetString()!;
        Assert.Equal("lost", emulator.DeliveriesOf(robotMessageId).Single().Outcome);

        await WaitUntilAsync(() => emulator.ConnectionView(id).State == "closed", "the ping rule to close it");

        Assert.Contains("missed 3 consecutive pings", emulator.ConnectionView(id).CloseReason, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Drain(), f => f.Type == "CALLBACK");
        Assert.Contains(emulator.Deliveries(), d => d is { ConnectionId: not null, Topic: "ping", Outcome: "lost" } && d.ConnectionId == id);
        await client.WaitClosedAsync();
    }

    [Fact]
    public async Task Refuse_tickets_answers_503_for_its_duration_while_issued_tickets_still_connect()
    {
        await using var emulator = await StartAsync();
        var issued = await StreamTestClient.TicketUrlAsync(emulator);

        using var set = await Fault(emulator, new { kind = "refuse-tickets", seconds = 30 });
        using var refused = await StreamTestClient.OpenAsync(emulator);

        Assert.Equal(200, set.Status);
        Assert.Equal(503, refused.Status);
        Assert.Equal("ServiceUnavailable", refused.Json.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(refused.Header("x-acs-request-id")));
        await using var stillWorks = await StreamTestClient.ConnectAsync(emulator, issued);

        emulator.Clock.Advance(TimeSpan.FromSeconds(31));
        using var back = await StreamTestClient.OpenAsync(emulator);
        Assert.Equal(200, back.Status);
    }

    [Fact]
    public async Task Endpoint_down_refuses_the_gateway_and_upgrades_then_comes_back()
    {
        await using var emulator = await StartAsync();
        var issued = await StreamTestClient.TicketUrlAsync(emulator);

        // Set from code, as tests in the assembly can.
        emulator.Server.DingTalkStream.Faults.EndpointDown(TimeSpan.FromSeconds(30));
        using var refused = await StreamTestClient.OpenAsync(emulator);

        Assert.Equal(503, refused.Status);
        Assert.Equal("ServiceUnavailable", refused.Json.GetProperty("code").GetString());
        Assert.Equal(503, await StreamTestClient.RefusedStatusAsync(issued));
        using var faults = await emulator.GetAsync("/_emulator/dingtalk/stream/faults", null);
        Assert.NotEqual(JsonValueKind.Null, faults.Json.GetProperty("endpointDownUntil").ValueKind);

        emulator.Clock.Advance(TimeSpan.FromSeconds(31));
        await using var client = await StreamTestClient.ConnectAsync(emulator, issued);
        await using var fresh = await StreamTestClient.ConnectAsync(emulator);
        Assert.Equal(2, emulator.Server.DingTalkStream.Connections().Count(c => c.State == "open"));
    }

    [Fact]
    public async Task Clearing_the_faults_ends_them_at_once()
    {
        await using var emulator = await StartAsync();
        using var set = await Fault(emulator, new { kind = "endpoint-down", seconds = 600 });

        using var cleared = await emulator.SendAsync(HttpMethod.Delete, "/_emulator/dingtalk/stream/faults", null, null);
        using var open = await StreamTestClient.OpenAsync(emulator);

        Assert.Equal(JsonValueKind.Null, cleared.Json.GetProperty("endpointDownUntil").ValueKind);
        Assert.Equal(200, open.Status);
    }

    [Theory]
    [InlineData("""{"kind":"melt"}""", "kind")]
    [InlineData("""{"kind":"drop"}""", "connectionId")]
    [InlineData("""{"kind":"refuse-tickets"}""", "seconds")]
    [InlineData("""{"kind":"endpoint-down","seconds":-1}""", "seconds")]
    public async Task A_bad_fault_request_is_a_400_naming_the_field(string body, string named)
    {
        await using var emulator = await StartAsync();

        using var reply = await emulator.SendAsync(HttpMethod.Post, "/_emulator/dingtalk/stream/faults", body, null);

        Assert.Equal(400, reply.Status);
        Assert.Contains(named, reply.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fault_on_an_unknown_connection_is_a_404()
    {
        await using var emulator = await StartAsync();

        using var reply = await Fault(emulator, new { kind = "half-open", connectionId = "nope" });

        Assert.Equal(404, reply.Status);
    }

    private static Task<Reply> Fault(TestEmulator emulator, object body) => emulator.PostJsonAsync("/_emulator/dingtalk/stream/faults", body);
}
