using System.Security.Cryptography;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>What a ticket admits: one connection of one app with the subscriptions named at the gateway.</summary>
internal sealed record StreamTicket(string AppKey, IReadOnlyList<DingTalkStreamSubscription> Subscriptions, string? Ua, string? LocalIp, DateTimeOffset ExpiresAt);

/// <summary>A refused WebSocket upgrade: HTTP status and the new-API error code and message.</summary>
internal sealed record StreamRefusal(int Status, string Code, string Message);

/// <summary>
/// Gateway tickets: valid <see cref="DingTalkStreamOptions.TicketLifetime"/> on the injected clock and single use.
/// A used ticket is remembered until it would have expired, so that its refusal can say "already used".
/// </summary>
internal sealed class StreamTickets(DingTalkStreamOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (StreamTicket Ticket, bool Used)> _tickets = new(StringComparer.Ordinal);

    /// <summary>A new ticket: 32 hex digits, safe in a URL as the SDKs append it unencoded.</summary>
    public string Issue(string appKey, IReadOnlyList<DingTalkStreamSubscription> subscriptions, string? ua, string? localIp)
    {
        var now = time.GetUtcNow();
        var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            foreach (var stale in _tickets.Where(t => t.Value.Ticket.ExpiresAt <= now).Select(t => t.Key).ToList())
            {
                _tickets.Remove(stale);
            }

            _tickets[ticket] = (new StreamTicket(appKey, subscriptions, ua, localIp, now + options.TicketLifetime), false);
        }

        return ticket;
    }

    /// <summary>Takes the ticket (it cannot be used again) or says why it is refused.</summary>
    public (StreamTicket? Ticket, StreamRefusal? Refusal) Take(string? ticket)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (string.IsNullOrEmpty(ticket) || !_tickets.TryGetValue(ticket, out var entry))
            {
                return (null, new StreamRefusal(401, "invalidTicket", "the ticket is missing or unknown; get one from /v1.0/gateway/connections/open"));
            }

            if (entry.Used)
            {
                return (null, new StreamRefusal(403, "ticketUsed", "the ticket was already used; a ticket admits one connection"));
            }

            if (entry.Ticket.ExpiresAt <= now)
            {
                _tickets.Remove(ticket);
                return (null, new StreamRefusal(403, "ticketExpired", $"the ticket expired ({options.TicketLifetime.TotalSeconds:0.###} s after it was issued)"));
            }

            _tickets[ticket] = (entry.Ticket, true);
            return (entry.Ticket, null);
        }
    }
}
