using Larkway.Bench.Ingest;

namespace Larkway.Bench.DingTalkIngest;

/// <summary>
/// One of the two Hubs and the way its messages reach it. A side prepares a run's messages before the clock (the Feishu
/// side posts the messages its bot will answer in the Emulator first; the DingTalk side builds the frames), runs them
/// open loop, and says how many replies its bot has sent so far.
/// </summary>
internal abstract class Side(string name, int? pid, int? receiverPid, HubInbox inbox)
{
    public string Name { get; } = name;

    /// <summary>The Hub's process, for its CPU time and peak memory.</summary>
    public int? Pid { get; } = pid;

    /// <summary>The process the Hub's bot replies to (the Emulator, the session sink), for its CPU time.</summary>
    public int? ReceiverPid { get; } = receiverPid;

    public HubInbox Inbox { get; } = inbox;

    /// <summary>Ids of every message the Hub acked (probe, warm-up and measured rounds), for the persistence check.</summary>
    public HashSet<string> Acked { get; } = new(StringComparer.Ordinal);

    /// <summary>Builds <paramref name="count"/> messages; the task it returns sends them at <paramref name="perSecond"/>.</summary>
    public abstract Task<Func<Task<StreamRunResult>>> PrepareAsync(int count, int perSecond);

    /// <summary>Replies the Hub's bot has sent so far, as the receiving end counted them; -1 when unknown.</summary>
    public abstract Task<long> RepliesAsync();
}

/// <summary>The Feishu Hub: signed and encrypted <c>im.message.receive_v1</c> events POSTed to its webhook.</summary>
internal sealed class FeishuSide(HttpClient http, Uri events, EventMix mix, Uri emulator, int? pid, int? emulatorPid, HubInbox inbox) : Side("Feishu", pid, emulatorPid, inbox)
{
    public override async Task<Func<Task<StreamRunResult>>> PrepareAsync(int count, int perSecond)
    {
        var built = await mix.BuildAsync(http, count);
        return async () =>
        {
            var result = await OpenLoopRun.RunAsync(http, Name, events, built, perSecond, id => Acked.Add(id));
            return new StreamRunResult(result, result.Errors, 0, double.NaN, double.NaN);
        };
    }

    public override Task<long> RepliesAsync() => EmulatorProbe.RepliesAsync(http, emulator);
}

/// <summary>The DingTalk Hub: robot messages pushed over the Stream connections it holds to the fake DingTalk.</summary>
internal sealed class DingTalkSide(HttpClient http, FakeDingTalk server, RobotMessageMix mix, Uri sessionSink, int? pid, int? sinkPid, HubInbox inbox) : Side("DingTalk", pid, sinkPid, inbox)
{
    /// <summary>How long after the last push an ack may still come (the Feishu side's HTTP timeout).</summary>
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(30);

    public override Task<Func<Task<StreamRunResult>>> PrepareAsync(int count, int perSecond)
    {
        var run = new StreamPushRun(mix.Build(count));
        return Task.FromResult<Func<Task<StreamRunResult>>>(() => run.RunAsync(server, Name, perSecond, AckTimeout, push => Acked.Add(push.MsgId)));
    }

    public override async Task<long> RepliesAsync() => (await SinkStats.ReadAsync(http, sessionSink)).Replies;
}
