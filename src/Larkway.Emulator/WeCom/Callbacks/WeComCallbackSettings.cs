using Larkway.Emulator.State;

namespace Larkway.Emulator.WeCom.Callbacks;

/// <summary>The app's callback (接收消息服务器): its URL and whether WeCom verified it with the echostr GET.</summary>
internal sealed record WeComCallbackSettings(Uri Url, bool Verified, DateTimeOffset SetAt);

/// <summary>The callback configuration (the Token and EncodingAESKey are the app's, from the options).</summary>
internal sealed class WeComCallbackSettingsStore(StateRevision revision)
{
    private readonly Lock _gate = new();
    private WeComCallbackSettings? _settings;

    public WeComCallbackSettings? Current
    {
        get
        {
            lock (_gate)
            {
                return _settings;
            }
        }
    }

    public void Set(WeComCallbackSettings? settings)
    {
        lock (_gate)
        {
            _settings = settings;
        }

        revision.Advance();
    }

    public void Restore(WeComCallbackSettings? settings)
    {
        lock (_gate)
        {
            _settings = settings;
        }
    }
}
