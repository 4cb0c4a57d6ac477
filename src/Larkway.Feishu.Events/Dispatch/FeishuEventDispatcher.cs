using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Cards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Feishu.Events.Dispatch;

/// <summary>
/// Routes parsed events to handlers registered explicitly by type (no reflection scanning). One handler
/// per event type; types without one go to the optional fallback. Register everything before dispatching;
/// dispatching is then thread-safe.
/// </summary>
public sealed partial class FeishuEventDispatcher
{
    private delegate Task<CardActionResponse?> Route(FeishuEvent e, FeishuEventContext context, CancellationToken cancellationToken);

    private readonly Dictionary<string, Route> _routes = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private Func<FeishuEvent, FeishuEventContext, CancellationToken, Task>? _fallback;

    public FeishuEventDispatcher(ILogger<FeishuEventDispatcher>? logger = null) =>
        _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>The event types with a registered handler.</summary>
    public IReadOnlyCollection<string> RegisteredTypes => _routes.Keys;

    /// <summary>
    /// Whether <see cref="DispatchAsync(FeishuEventEnvelope, CancellationToken)"/> runs a handler for events of <paramref name="eventType"/> (its own or the
    /// fallback). A host that handles some types elsewhere asks this to skip dispatching them, and so the "no handler" line.
    /// </summary>
    public bool Handles(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        return _routes.ContainsKey(eventType) || _fallback is not null;
    }

    /// <summary>Registers the handler of a typed event.</summary>
    public FeishuEventDispatcher On<TEvent>(Func<TEvent, FeishuEventContext, CancellationToken, Task> handler)
        where TEvent : FeishuEvent, IFeishuEventType
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(TEvent.TypeName, async (e, ctx, ct) =>
        {
            await handler(Cast<TEvent>(e), ctx, ct).ConfigureAwait(false);
            return null;
        });
    }

    /// <summary>Registers the handler of any event type by name (custom or unmodelled types arrive as <see cref="UnknownEvent"/>).</summary>
    public FeishuEventDispatcher On(string eventType, Func<FeishuEvent, FeishuEventContext, CancellationToken, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(eventType, async (e, ctx, ct) =>
        {
            await handler(e, ctx, ct).ConfigureAwait(false);
            return null;
        });
    }

    /// <summary>Registers the <c>card.action.trigger</c> handler, whose return value is the callback's response body.</summary>
    public FeishuEventDispatcher OnCardAction(Func<CardActionTriggerEvent, FeishuEventContext, CancellationToken, Task<CardActionResponse?>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(CardActionTriggerEvent.Type, (e, ctx, ct) => handler(Cast<CardActionTriggerEvent>(e), ctx, ct));
    }

    /// <summary>Registers the old message-card callback handler, whose return value is the callback's response body.</summary>
    public FeishuEventDispatcher OnLegacyCardAction(Func<LegacyCardActionEvent, FeishuEventContext, CancellationToken, Task<CardActionResponse?>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(LegacyCardActionEvent.Type, (e, ctx, ct) => handler(Cast<LegacyCardActionEvent>(e), ctx, ct));
    }

    /// <summary>Sets the handler for events of a type without a registered handler.</summary>
    public FeishuEventDispatcher OnUnhandled(Func<FeishuEvent, FeishuEventContext, CancellationToken, Task> fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        if (_fallback is not null)
        {
            throw new InvalidOperationException("A fallback handler is already registered.");
        }

        _fallback = fallback;
        return this;
    }

    /// <summary>Parses the typed event of an envelope and runs its handler (or the fallback).</summary>
    /// <exception cref="FeishuEventException">The event is a url_verification (answer it, don't dispatch it), or a known type is malformed.</exception>
    public async Task<FeishuDispatchResult> DispatchAsync(FeishuEventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return await DispatchAsync(new FeishuEventContext(envelope), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the handler of <paramref name="context"/>'s envelope (or the fallback) with that context, so what the caller
    /// attached to it (<see cref="FeishuEventContext.Set{T}"/>) reaches the handler.
    /// </summary>
    /// <exception cref="FeishuEventException">The event is a url_verification (answer it, don't dispatch it), or a known type is malformed.</exception>
    public async Task<FeishuDispatchResult> DispatchAsync(FeishuEventContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var envelope = context.Envelope;
        if (envelope.IsUrlVerification)
        {
            throw new FeishuEventException(FeishuEventErrorReason.Malformed, "A url_verification challenge is answered by the receiver, not dispatched.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var @event = FeishuEventParser.Parse(envelope);

        if (_routes.TryGetValue(envelope.EventType, out var route))
        {
            var response = await route(@event, context, cancellationToken).ConfigureAwait(false);
            return new FeishuDispatchResult(@event, Handled: true, response);
        }

        if (_fallback is not null)
        {
            await _fallback(@event, context, cancellationToken).ConfigureAwait(false);
            return new FeishuDispatchResult(@event, Handled: true, CardResponse: null);
        }

        LogNoHandler(_logger, envelope.EventType, envelope.DedupKey);
        return new FeishuDispatchResult(@event, Handled: false, CardResponse: null);
    }

    private FeishuEventDispatcher Add(string eventType, Route route)
    {
        if (!_routes.TryAdd(eventType, route))
        {
            throw new InvalidOperationException($"A handler for '{eventType}' is already registered.");
        }

        return this;
    }

    private static TEvent Cast<TEvent>(FeishuEvent e)
        where TEvent : FeishuEvent =>
        e as TEvent ?? throw new FeishuEventException(FeishuEventErrorReason.Malformed, $"Expected a {typeof(TEvent).Name} for event type '{e.EventType}'.");

    [LoggerMessage(EventId = LogEvents.FeishuEventDispatcherNoHandler, Level = LogLevel.Information, Message = "No handler for Feishu event type {EventType} (event {EventId}); acknowledged without handling.")]
    private static partial void LogNoHandler(ILogger logger, string eventType, string? eventId);
}
