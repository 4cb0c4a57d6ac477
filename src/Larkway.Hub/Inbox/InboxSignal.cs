using Larkway.Hub.Hosting;

namespace Larkway.Hub.Inbox;

/// <summary>Wakes the inbox processor when an event is stored in this process.</summary>
internal sealed class InboxSignal : WorkSignal;
