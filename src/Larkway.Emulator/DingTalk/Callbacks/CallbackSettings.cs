using Larkway.Emulator.State;

namespace Larkway.Emulator.DingTalk.Callbacks;

/// <summary>
/// Where an app wants DingTalk's HTTP pushes: its robot's message receiving address (an outgoing robot in HTTP mode) and
/// its legacy event subscription (URL, token and aes_key). Set through the control API; kept in the state file.
/// </summary>
internal sealed record CallbackSettings(string AppKey, string? RobotUrl, string? EventUrl, string? EventToken, string? EventAesKey);

internal sealed class CallbackSettingsStore(StateRevision revision)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CallbackSettings> _apps = new(StringComparer.Ordinal);

    public CallbackSettings Get(string appKey)
    {
        lock (_gate)
        {
            return _apps.GetValueOrDefault(appKey) ?? new CallbackSettings(appKey, null, null, null, null);
        }
    }

    public CallbackSettings Update(string appKey, Func<CallbackSettings, CallbackSettings> change)
    {
        lock (_gate)
        {
            var settings = change(_apps.GetValueOrDefault(appKey) ?? new CallbackSettings(appKey, null, null, null, null));
            _apps[appKey] = settings;
            revision.Advance();
            return settings;
        }
    }

    public IReadOnlyList<CallbackSettings> Export()
    {
        lock (_gate)
        {
            return [.. _apps.Values];
        }
    }

    public void Restore(IEnumerable<CallbackSettings> settings)
    {
        lock (_gate)
        {
            foreach (var s in settings)
            {
                _apps[s.AppKey] = s;
            }
        }
    }
}
