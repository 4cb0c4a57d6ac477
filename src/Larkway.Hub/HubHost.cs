using Larkway.Emulator.Hosting;
using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Observability;
using Larkway.Hub.Platform.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub;

/// <summary>A running Hub, and in sandbox mode the Emulator it plays against.</summary>
public sealed class HubHost : IAsyncDisposable
{
    private readonly IReadOnlyList<DataFolderLock> _locks;

    internal HubHost(WebApplication app, Uri baseUrl, HubSettings settings, EmulatorServer? emulator, IReadOnlyList<DataFolderLock> locks)
    {
        _locks = locks;
        App = app;
        BaseUrl = baseUrl;
        Settings = settings;
        Emulator = emulator;
    }

    public WebApplication App { get; }

    /// <summary>Where the Hub listens.</summary>
    public Uri BaseUrl { get; }

    public HubSettings Settings { get; }

    /// <summary>The embedded Emulator in sandbox mode; null otherwise.</summary>
    public EmulatorServer? Emulator { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>In sandbox mode: why a platform's Emulator side does not reach its sandbox app, by platform (<see cref="Sandbox.ISandboxPlatform.EnsureAsync"/>); empty when every one does.</summary>
    internal IReadOnlyDictionary<string, string> SandboxProblems { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>What the console log shows and where the whole log goes (the sandbox's file, closed once the Hub and the Emulator have stopped).</summary>
    internal HubLogOutputs Logging { get; init; } = HubLogOutputs.ConsoleOnly;

    /// <summary>The console password for user <c>admin</c> generated (and printed) by this start; null when none was.</summary>
    public string? BootstrapAdminPassword => Services.GetRequiredService<ConsoleAdminCredential>().GeneratedPassword;

    /// <summary>Stops the Hub (in-flight inbox work finishes or is left to its lease) and then the Emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync().ConfigureAwait(false);
        }

        // Last: the folders are free only once nothing of this Hub writes to them any more.
        Logging.File?.Dispose();
        foreach (var held in _locks)
        {
            held.Dispose();
        }
    }
}
