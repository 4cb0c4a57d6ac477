using Larkway.Bench.DingTalkIngest;
using Larkway.Bench.Ingest;

namespace Larkway.Bench.WeComIngest;

/// <summary>The WeCom Hub: encrypted, signed callbacks POSTed to a stored app's <c>/wecom/apps/{name}/callback</c>.</summary>
internal sealed class WeComSide(HttpClient http, Uri hub, WeComCallbackMix mix, Uri sink, int? pid, int? sinkPid, HubInbox inbox) : Side("WeCom", pid, sinkPid, inbox)
{
    /// <summary>Retries the Hub acked (each also counted in <see cref="Side.Acked"/> under its MsgId, once).</summary>
    public int RetriesAcked { get; private set; }

    public override Task<Func<Task<StreamRunResult>>> PrepareAsync(int count, int perSecond)
    {
        var built = mix.Build(count);
        return Task.FromResult<Func<Task<StreamRunResult>>>(async () =>
        {
            var result = await WeComOpenLoop.RunAsync(http, Name, hub, built, perSecond, callback =>
            {
                Acked.Add(callback.MsgId);
                if (callback.Retry)
                {
                    RetriesAcked++;
                }
            });
            return new StreamRunResult(result, result.Errors, 0, double.NaN, double.NaN);
        });
    }

    public override async Task<long> RepliesAsync() => (await SinkStats.ReadAsync(http, sink)).Replies;
}
