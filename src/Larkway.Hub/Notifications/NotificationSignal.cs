using Larkway.Hub.Hosting;

namespace Larkway.Hub.Notifications;

/// <summary>Wakes the notification sender when a notification is stored in this process.</summary>
internal sealed class NotificationSignal : WorkSignal;
