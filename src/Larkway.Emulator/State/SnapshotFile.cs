using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.Seed;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.State;

/// <summary>What the start found in the state file: a snapshot to restore, or nothing (seed the tenant).</summary>
internal sealed record StateLoad(string? Path, EmulatorSnapshot? Snapshot)
{
    /// <summary>No state file configured: the tenant lives in memory only.</summary>
    public static StateLoad None { get; } = new(null, null);
}

/// <summary>
/// Reads and writes the state file. A write goes to a temporary file beside it, is flushed to disk and then renamed
/// over the old one, so the file is always either the previous state or the new one, never half of each. A file that
/// cannot be read is renamed aside (<c>.corrupt-&lt;UTC time&gt;</c>) — kept for a look, never overwritten — and the
/// start goes on from the seed; when even that rename fails, the start fails with <see cref="EmulatorStateFileException"/>.
/// </summary>
internal static partial class SnapshotFile
{
    public static StateLoad Load(string path, TimeProvider clock, ILogger logger)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            return new StateLoad(full, null);
        }

        EmulatorSnapshot snapshot;
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            snapshot = JsonSerializer.Deserialize(stream, StateSnapshotJson.Default.EmulatorSnapshot) ?? throw new InvalidDataException("it holds null");
            snapshot.Check();
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or FormatException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            var reason = OneLine(ex.Message);
            var aside = SetAside(full, reason, clock);
            LogSetAside(logger, full, reason, aside);
            return new StateLoad(full, null);
        }

        LogLoaded(logger, full, snapshot.SavedAt, snapshot.Tenant.Chats.Count, snapshot.Tenant.Messages.Count, snapshot.Approvals.Instances.Count);
        return new StateLoad(full, snapshot);
    }

    /// <summary>The tenant as the file left it, plus the options' app when the file does not have it.</summary>
    public static EmulatorState Restore(EmulatorSnapshot snapshot, EmulatorOptions options)
    {
        var state = EmulatorState.Restore(snapshot.Tenant, options.TimeProvider, options.AppId);
        SeedLoader.AddOptionsApp(state, options);
        return state;
    }

    public static EmulatorSnapshot Capture(EmulatorState state, Approval.ApprovalStore approvals, Bitable.BitableStore bitable, TokenStore tokens, Authen.AuthenStores authen, DingTalk.State.DingTalkSnapshot dingTalk, WeCom.State.WeComSnapshot weCom, TimeProvider clock, CardKit.CardKitSnapshot? cardKit = null, Docs.DocsSnapshot? docs = null) =>
        new(EmulatorSnapshot.FormatName, EmulatorSnapshot.CurrentVersion, clock.GetUtcNow(), state.Export(), approvals.Export(), tokens.Export(), authen.Export(), bitable.Export(), dingTalk, weCom, cardKit, Docs: docs);

    /// <summary>Writes atomically (temporary file, flush, rename); readable and writable by the owner only, as it holds app secrets.</summary>
    public static void Save(string path, EmulatorSnapshot snapshot)
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, create))
            {
                JsonSerializer.Serialize(stream, snapshot, StateSnapshotJson.Default.EmulatorSnapshot);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static string SetAside(string path, string reason, TimeProvider clock)
    {
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var aside = $"{path}.corrupt-{stamp}";
        for (var n = 2; File.Exists(aside); n++)
        {
            aside = $"{path}.corrupt-{stamp}-{n}";
        }

        try
        {
            File.Move(path, aside);
            return aside;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EmulatorStateFileException(
                $"The Emulator's state file {path} cannot be read ({reason}) and could not be renamed aside ({OneLine(ex.Message)}). Move or delete it, or fix its permissions, and start again.", ex);
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    [LoggerMessage(EventId = LogEvents.StateFileLoaded, Level = LogLevel.Information, Message = "Emulator state read from {Path} (saved {SavedAt:u}): {Chats} chats, {Messages} messages, {Instances} approval instances")]
    private static partial void LogLoaded(ILogger logger, string path, DateTimeOffset savedAt, int chats, int messages, int instances);

    [LoggerMessage(EventId = LogEvents.StateFileSetAside, Level = LogLevel.Warning, Message = "Emulator state file {Path} could not be read ({Reason}); renamed it to {SetAside} and started from the seed instead")]
    private static partial void LogSetAside(ILogger logger, string path, string reason, string setAside);
}
