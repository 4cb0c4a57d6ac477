using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Hosting;

/// <summary>
/// Keeps the state file current: at start when the tenant was seeded (so the file exists, and a folder that cannot be
/// written fails the start, not the first change), <see cref="EmulatorOptions.StateSaveDelay"/> after a change (changes
/// meanwhile go out together), and once more after the host has stopped — after Kestrel, so no request's change is missed.
/// A process killed outright loses at most the last delay's changes. A failed write is logged once and retried with the
/// next change; the running tenant is unaffected.
/// </summary>
internal sealed partial class StateFileWriter(
    StateLoad load,
    EmulatorState state,
    ApprovalStore approvals,
    Bitable.BitableStore bitable,
    Docs.DocsStore docs,
    TokenStore tokens,
    Authen.AuthenStores authen,
    DingTalk.DingTalkPersistence dingTalk,
    WeCom.WeComPersistence weCom,
    CardKit.CardKitStore cardKit,
    AiBackend.DifyConversations aiConversations,
    AiBackend.DifyKnowledge aiKnowledge,
    EmulatorOptions options,
    ILogger<StateFileWriter> logger) : IHostedLifecycleService
{
    private readonly Lock _writing = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _written = -1;
    private bool _failing;

    private string Path => load.Path!;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (load.Snapshot is null)
        {
            try
            {
                Write();
                LogCreated(logger, Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new EmulatorStateFileException($"The Emulator cannot write its state file {Path}: {ex.Message.ReplaceLineEndings(" ")} Make the folder writable, or choose another file.", ex);
            }
        }
        else
        {
            _written = state.Revision.Current;
        }

        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    /// <summary>Runs after every hosted service, the web server included, has stopped: the last change is in.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        WriteIfChanged();
        _stop.Dispose();
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await state.Revision.WaitAsync(stopping).ConfigureAwait(false);

                // Real time, not the emulated clock: a test's manual clock must not hold the file back.
                await Task.Delay(options.StateSaveDelay, stopping).ConfigureAwait(false);
                WriteIfChanged();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: StoppedAsync writes what is left.
        }
    }

    private void WriteIfChanged()
    {
        if (state.Revision.Current == Interlocked.Read(ref _written))
        {
            return;
        }

        try
        {
            Write();
            if (_failing)
            {
                _failing = false;
                LogRecovered(logger, Path);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!_failing)
            {
                _failing = true;
                LogWriteFailed(logger, Path, ex.Message.ReplaceLineEndings(" "));
            }
        }
    }

    private void Write()
    {
        lock (_writing)
        {
            // Read the revision first: a change made while the copy is taken is written again next time.
            var revision = state.Revision.Current;
            SnapshotFile.Save(Path, SnapshotFile.Capture(state, approvals, bitable, tokens, authen, dingTalk.Export(), weCom.Export(), options.TimeProvider, cardKit.Export(), docs.Export()) with { AiBackend = aiConversations.Export() with { Knowledge = aiKnowledge.Export() } });
            Interlocked.Exchange(ref _written, revision);
        }
    }

    [LoggerMessage(EventId = LogEvents.StateFileCreated, Level = LogLevel.Information, Message = "Emulator state is kept in {Path} (created from the seed); delete the file to start from the seed again")]
    private static partial void LogCreated(ILogger logger, string path);

    [LoggerMessage(EventId = LogEvents.StateFileWriteFailed, Level = LogLevel.Warning, Message = "Could not write the Emulator state file {Path} ({Reason}); the tenant runs on in memory and the file is written again with the next change")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = LogEvents.StateFileWriteRecovered, Level = LogLevel.Information, Message = "The Emulator state file {Path} is written again")]
    private static partial void LogRecovered(ILogger logger, string path);
}
