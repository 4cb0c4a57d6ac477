using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Bots;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Which group messages without the bot's @-mention each app's assistants take, known from memory: the inbox's triage asks
/// on the ack path, where a database call per event is too dear. The answer comes from a snapshot of every assistant's apps
/// and group policy, loaded in the background once it is older than <see cref="AssistantOptions.DefinitionCacheLifetime"/>
/// (another replica's change) or an assistant changed through this Hub. Until a fresh snapshot is there the answer is
/// <see cref="UnmentionedGroupMessages.All"/>: the message is kept, handled, and the assistant's gate decides.
/// </summary>
internal sealed partial class AssistantGroupReach(
    AssistantService assistants,
    IOptions<AssistantOptions> options,
    TimeProvider time,
    ILogger<AssistantGroupReach> logger)
{
    // A load that hangs must not keep every later event waiting for a fresh snapshot forever (they are kept meanwhile).
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(30);

    private volatile Snapshot? _snapshot;
    private int _loading;

    /// <summary>What the assistants on <paramref name="app"/> take; <see cref="UnmentionedGroupMessages.All"/> when the Hub cannot tell now.</summary>
    public UnmentionedGroupMessages For(string app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Without a cache lifetime nothing may be answered from memory.
        if (options.Value.DefinitionCacheLifetime <= TimeSpan.Zero)
        {
            return UnmentionedGroupMessages.All;
        }

        var snapshot = _snapshot;
        if (snapshot is null || IsStale(snapshot))
        {
            LoadInBackground();
            return UnmentionedGroupMessages.All;
        }

        return snapshot.ByApp.GetValueOrDefault(AppKey(app), UnmentionedGroupMessages.None);
    }

    /// <summary>Loads a fresh snapshot now (tests; the Hub loads in the background).</summary>
    internal async Task LoadAsync(CancellationToken cancellationToken)
    {
        // Counted before reading: a change stored meanwhile leaves this snapshot out of date, never a stale one current.
        var changes = assistants.Changes;
        var at = time.GetUtcNow();
        var all = await assistants.ListAsync(cancellationToken).ConfigureAwait(false);
        _snapshot = new Snapshot(at, changes, Reach(all));
    }

    /// <summary>
    /// Per app, the most any enabled assistant naming it takes. The router answers with the one stored first; reading
    /// every one keeps a message whenever any might answer it, which is the safe side.
    /// </summary>
    internal static IReadOnlyDictionary<string, UnmentionedGroupMessages> Reach(IEnumerable<AssistantInfo> assistants)
    {
        var byApp = new Dictionary<string, UnmentionedGroupMessages>(StringComparer.Ordinal);
        foreach (var assistant in assistants.Where(a => a.Enabled))
        {
            var takes = Takes(assistant.Policy.Groups);
            foreach (var app in assistant.Apps)
            {
                var key = AppKey(app);
                if (takes > byApp.GetValueOrDefault(key))
                {
                    byApp[key] = takes;
                }
            }
        }

        return byApp;
    }

    // AssistantGate.IsAddressed: mode "all" takes every message; answer_at_all an @all — also under mode "disabled", where
    // the gate answers it with a refusal.
    private static UnmentionedGroupMessages Takes(AssistantGroupPolicy groups) =>
        groups.Mode == AssistantPolicyValues.All ? UnmentionedGroupMessages.All
        : groups.AnswerAtAll ? UnmentionedGroupMessages.MentioningAll
        : UnmentionedGroupMessages.None;

    // The configured Feishu app's bot runs under the empty name; assistants name it "default".
    private static string AppKey(string app) => HubAppService.NameOnWire(app);

    private bool IsStale(Snapshot snapshot) =>
        snapshot.Changes != assistants.Changes || time.GetUtcNow() - snapshot.At > options.Value.DefinitionCacheLifetime;

    private void LoadInBackground()
    {
        if (Interlocked.CompareExchange(ref _loading, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(LoadTimeout);
                await LoadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The snapshot stays out of date, so messages are kept; the next event tries again.
                LogLoadFailed(logger, ex);
            }
            finally
            {
                Volatile.Write(ref _loading, 0);
            }
        });
    }

    private sealed record Snapshot(DateTimeOffset At, long Changes, IReadOnlyDictionary<string, UnmentionedGroupMessages> ByApp);

    [LoggerMessage(EventId = LogEvents.AssistantGroupReachLoadFailed, Level = LogLevel.Warning, Message = "Could not load the assistants' group policies for the inbox's triage; group messages without a mention are kept until it can.")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
