using Larkway.Emulator.LongConnection;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Events.Callbacks;

/// <summary>
/// Card callbacks for apps whose subscription is in long-connection mode and that set no callback URL:
/// Feishu sends <c>card.action.trigger</c> as a <c>type=event</c> frame and takes the ack's <c>data</c>
/// as the answer. Registered ahead of HTTP so an explicit callback URL still wins (see <see cref="RouteFor"/>).
/// </summary>
internal sealed class LongConnectionCardCallbackTransport(EmulatorState state, LongConnectionHub hub) : ICardCallbackTransport
{
    private const string Target = "long-connection";

    public CardCallbackRoute? RouteFor(EmulatorApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = state.CardCallbackOf(app.AppId);
        if (settings is { Url: { Length: > 0 } } or { CardRequestUrl: { Length: > 0 } })
        {
            return null;
        }

        var events = state.EventSubscriptionOf(app.AppId);
        return events is { Mode: EventDeliveryMode.LongConnection }
            ? new CardCallbackRoute(app.AppId, CardCallbackStyle.Trigger, settings?.VerificationToken ?? events.VerificationToken, Target)
            : null;
    }

    public async Task<CardCallbackReply> SendAsync(CardCallbackRoute route, byte[] plaintextBody, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        var result = await hub.SendCallbackAsync(route.AppId, System.Text.Encoding.UTF8.GetString(plaintextBody), timeout, cancellationToken);
        return result.Status switch
        {
            // The ack's code plays the HTTP status; its data is the body (absent data = an empty answer).
            LongConnectionCallbackStatus.Acked => new CardCallbackReply(result.Code, result.DataJson ?? "{}", CardCallbackFailure.None, null),
            LongConnectionCallbackStatus.TimedOut => new CardCallbackReply(null, null, CardCallbackFailure.Timeout, result.Error ?? "no ack within the timeout"),
            _ => new CardCallbackReply(null, null, CardCallbackFailure.Unreachable, result.Error ?? "no live long connection"),
        };
    }
}
