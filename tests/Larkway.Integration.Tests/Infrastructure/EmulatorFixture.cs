using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;
using Larkway.Feishu;

namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>
/// One Emulator on Kestrel (127.0.0.1, any port) with the default tenant, shared by the tests of a
/// class, plus helpers to build clients against it and to look up seeded people and chats.
/// </summary>
public class EmulatorFixture : IAsyncLifetime
{
    private EmulatorServer? _server;
    private EmulatorControl? _control;

    public EmulatorServer Server => _server ?? throw new InvalidOperationException("not started");

    public EmulatorState State => Server.State;

    public Uri BaseUrl => Server.BaseUrl;

    internal EmulatorControl Control => _control ??= new EmulatorControl(BaseUrl);

    protected virtual EmulatorOptions CreateOptions() => new() { Port = 0 };

    public EmulatorOptions Options { get; private set; } = null!;

    public string AppId => Options.AppId;

    public virtual async Task InitializeAsync()
    {
        Options = CreateOptions();
        _server = await EmulatorServer.StartAsync(Options);
    }

    public virtual async Task DisposeAsync()
    {
        _control?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A client of the Emulator's app whose every HTTP attempt goes through <paramref name="recorder"/>.</summary>
    internal FeishuClient CreateClient(RecordingHandler recorder, Action<FeishuAppOptions>? configure = null, TimeProvider? time = null) =>
        CreateClient(recorder, AppId, Options.AppSecret, configure, time);

    internal FeishuClient CreateClient(RecordingHandler recorder, string appId, string appSecret, Action<FeishuAppOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new FeishuAppOptions { AppId = appId, AppSecret = appSecret, BaseUrl = BaseUrl };
        configure?.Invoke(options);
        return new FeishuClient(options, timeProvider: time, handler: recorder);
    }

    public EmulatorChat Chat(string name) =>
        State.Chats.Single(c => c.Name == name);

    public EmulatorChat GeneralChat => Chat(DefaultSeed.GeneralChatName);

    public EmulatorChat EngineeringChat => Chat(DefaultSeed.EngineeringChatName);

    public EmulatorUser User(string email) =>
        State.FindUser("email", email) ?? throw new InvalidOperationException($"no user {email}");

    public EmulatorUser Alice => User("alice@example.com");

    public EmulatorUser Bob => User("bob@example.com");

    public EmulatorUser Carol => User("carol@example.com");

    public EmulatorUser Dave => User("dave@example.com");
}

/// <summary>An emulator fixture plus one client (and its recorder) shared by a class's tests.</summary>
public class ClientFixture : EmulatorFixture
{
    private FeishuClient? _client;

    internal RecordingHandler Recorder { get; } = new();

    public FeishuClient Client => _client ??= CreateClient(Recorder);

    public override async Task DisposeAsync()
    {
        _client?.Dispose();
        Recorder.Dispose();
        await base.DisposeAsync();
    }
}
