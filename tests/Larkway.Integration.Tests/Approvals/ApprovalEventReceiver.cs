using System.Collections.Concurrent;
using Larkway.Feishu.AspNetCore;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.Approvals;

/// <summary>
/// The client-side event stack on real Kestrel: <c>MapFeishuEvents</c> verifies and decrypts what the Emulator
/// pushes; every accepted event is parsed by <see cref="FeishuEventParser"/> and kept for the test to wait on.
/// </summary>
internal sealed class ApprovalEventReceiver : IAsyncDisposable, IFeishuEventSink
{
    public const string EncryptKey = "approval-integration-key-01";
    public const string VerificationToken = "approval-integration-token";

    private readonly ConcurrentQueue<(FeishuInboundEvent Inbound, FeishuEvent Parsed)> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private WebApplication? _app;

    public Uri Url { get; private set; } = null!;

    public static async Task<ApprovalEventReceiver> StartAsync()
    {
        var receiver = new ApprovalEventReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddFeishuEventReceiver(o =>
        {
            o.EncryptKey = EncryptKey;
            o.VerificationToken = VerificationToken;
        }).UseSink(_ => receiver);
        receiver._app = builder.Build();
        receiver._app.MapFeishuEvents("/feishu/events");
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/feishu/events");
        return receiver;
    }

    public ValueTask<FeishuIngestResult> AcceptAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken)
    {
        _received.Enqueue((inbound, FeishuEventParser.Parse(inbound.Envelope)));
        _arrived.Release();
        return ValueTask.FromResult(FeishuIngestResult.Accepted);
    }

    /// <summary>The first received event of type <typeparamref name="T"/> that matches; waits for arrivals up to 30 s.</summary>
    public async Task<(T Event, FeishuInboundEvent Inbound)> WaitForAsync<T>(Func<T, bool> match)
        where T : FeishuEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            foreach (var (inbound, parsed) in _received)
            {
                if (parsed is T typed && match(typed))
                {
                    return (typed, inbound);
                }
            }

            try
            {
                await _arrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching {typeof(T).Name} within 30 s; received: {string.Join(", ", _received.Select(r => r.Parsed.EventType))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _arrived.Dispose();
    }
}
