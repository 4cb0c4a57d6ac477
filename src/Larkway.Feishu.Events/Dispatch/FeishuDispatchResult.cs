using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Cards;

namespace Larkway.Feishu.Events.Dispatch;

/// <summary>The outcome of dispatching one event.</summary>
/// <param name="Event">The typed event (or <see cref="UnknownEvent"/>).</param>
/// <param name="Handled">True when a registered handler or the fallback ran.</param>
/// <param name="CardResponse">What a card-action handler answered, if any.</param>
public sealed record FeishuDispatchResult(FeishuEvent Event, bool Handled, CardActionResponse? CardResponse);
