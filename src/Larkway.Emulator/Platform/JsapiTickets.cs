namespace Larkway.Emulator.Platform;

/// <summary>
/// Each app's JSAPI ticket (<c>jssdk/ticket/get</c>): one live ticket per app, handed out again with the seconds it has
/// left until it lapses (two hours after issue), then a new one. Kept in memory: a restart issues new tickets, which
/// callers re-fetch as they would after a lapse.
/// </summary>
internal sealed class JsapiTickets(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(7200);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Ticket, DateTimeOffset ExpiresAt)> _byApp = new(StringComparer.Ordinal);

    /// <summary>The app's live ticket and its seconds left, issuing one when there is none.</summary>
    public (string Ticket, int ExpireIn) For(string appId)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_byApp.TryGetValue(appId, out var current) || current.ExpiresAt <= now)
            {
                current = (Ids.Hex(40), now + Lifetime);
                _byApp[appId] = current;
            }

            return (current.Ticket, (int)Math.Floor((current.ExpiresAt - now).TotalSeconds));
        }
    }

    /// <summary>Whether <paramref name="ticket"/> is the app's live ticket (what an H5 signature must be made with).</summary>
    public bool IsLive(string appId, string ticket)
    {
        lock (_gate)
        {
            return _byApp.TryGetValue(appId, out var current) && current.Ticket == ticket && current.ExpiresAt > time.GetUtcNow();
        }
    }

    /// <summary>The app's live ticket, or null when it has none (never fetched, or lapsed): what H5 config checks against.</summary>
    public string? Current(string appId)
    {
        lock (_gate)
        {
            return _byApp.TryGetValue(appId, out var current) && current.ExpiresAt > time.GetUtcNow() ? current.Ticket : null;
        }
    }

    /// <summary>Makes <paramref name="ticket"/> the app's live ticket for two hours (tests use Feishu's published examples).</summary>
    public void Put(string appId, string ticket)
    {
        lock (_gate)
        {
            _byApp[appId] = (ticket, time.GetUtcNow() + Lifetime);
        }
    }
}
