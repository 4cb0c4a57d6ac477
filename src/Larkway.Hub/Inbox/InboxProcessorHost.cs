using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Inbox;

/// <summary>Runs the <see cref="InboxProcessor"/> unless <see cref="InboxOptions.ProcessorEnabled"/> is false.</summary>
internal sealed class InboxProcessorHost(InboxProcessor processor, IOptions<InboxOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.ProcessorEnabled ? processor.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        options.Value.ProcessorEnabled ? processor.StopAsync(cancellationToken) : Task.CompletedTask;
}
