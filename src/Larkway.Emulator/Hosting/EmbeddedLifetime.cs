using Microsoft.Extensions.Hosting;

namespace Larkway.Emulator.Hosting;

/// <summary>
/// The emulator is a guest in someone else's process (CLI, tests, the Hub): it must not take over
/// Ctrl+C / SIGTERM the way the default console lifetime does. The host owns shutdown and calls
/// <see cref="EmulatorServer.StopAsync"/>.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
