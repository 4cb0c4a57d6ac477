using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Notifications;

/// <summary>Runs the <see cref="NotificationSender"/> unless <see cref="NotificationOptions.SenderEnabled"/> is false.</summary>
internal sealed class NotificationSenderHost(NotificationSender sender, IOptions<NotificationOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.SenderEnabled ? sender.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        options.Value.SenderEnabled ? sender.StopAsync(cancellationToken) : Task.CompletedTask;
}
