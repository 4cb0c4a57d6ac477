using System.Security.Cryptography;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>
/// A bot's API settings in URL-callback mode (智能机器人 API 模式, document 101039): the URL WeCom posts to, the Token and
/// EncodingAESKey of the bot's crypto (ReceiveId "" for an internal bot), when the URL passed verification, and the
/// emulator's address then (the base of the response_urls of card events, which come from no HTTP request).
/// </summary>
public sealed record AiBotCallbackSettings(string BotId, Uri Url, string Token, string EncodingAesKey, DateTimeOffset VerifiedAt, string? EmulatorBase = null);

/// <summary>A message's <c>response_url</c> code: one reply, within its lifetime (1 hour).</summary>
public sealed record AiBotResponseCode(string Code, string BotId, string ConversationId, string MsgId, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt = null);

/// <summary>
/// One thing that happened in URL-callback mode, as <c>GET /_emulator/wecom/aibot/callback/deliveries</c> lists it: a URL
/// verification, a message POST (each attempt), a stream refresh, the end of polling, or a response_url call.
/// </summary>
/// <param name="Kind"><c>verify</c>, <c>message</c>, <c>event</c>, <c>stream_refresh</c>, <c>polling_ended</c> or <c>response_url</c>.</param>
/// <param name="Outcome">
/// <c>verified</c>/<c>refused</c> (verify); <c>answered</c> (a passive reply shown), <c>no_reply</c> (an empty answer),
/// <c>bad_reply</c> (a reply that failed its signature, decryption or rules), <c>failed</c> (no connection, timeout, HTTP
/// error); <c>finished</c>/<c>expired</c> (polling_ended); <c>accepted</c>/<c>refused</c> (response_url).
/// </param>
/// <param name="Reply">The decrypted passive reply (JSON) or the response_url body, when there was one.</param>
public sealed record AiBotCallbackRecord(
    long Sequence, string BotId, string Kind, string? MsgId, string? StreamId, int Attempt, int? Status, string Outcome, string? Error, string? Reply, long AtMs);

/// <summary>
/// URL-callback state: the bots' settings and the response_url codes (both in the state file), and the log of what was
/// posted and answered (in memory, the last 2,000).
/// </summary>
internal sealed class AiBotUrlCallbackStore(TimeProvider time)
{
    private const int LogCapacity = 2_000;
    private const int CodesKept = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AiBotCallbackSettings> _settings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiBotResponseCode> _codes = new(StringComparer.Ordinal);
    private readonly LinkedList<AiBotCallbackRecord> _log = new();
    private long _sequence;

    public event Action? Changed;

    public AiBotCallbackSettings? Settings(string botId)
    {
        lock (_gate)
        {
            return _settings.GetValueOrDefault(botId);
        }
    }

    public IReadOnlyList<AiBotCallbackSettings> AllSettings()
    {
        lock (_gate)
        {
            return [.. _settings.Values.OrderBy(s => s.BotId, StringComparer.Ordinal)];
        }
    }

    public void Set(AiBotCallbackSettings settings)
    {
        lock (_gate)
        {
            _settings[settings.BotId] = settings;
        }

        Changed?.Invoke();
    }

    public bool Remove(string botId)
    {
        bool removed;
        lock (_gate)
        {
            removed = _settings.Remove(botId);
        }

        if (removed)
        {
            Changed?.Invoke();
        }

        return removed;
    }

    public AiBotResponseCode IssueCode(string botId, string conversationId, string msgId, TimeSpan lifetime)
    {
        var code = new AiBotResponseCode(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), botId, conversationId, msgId, time.GetUtcNow() + lifetime);
        lock (_gate)
        {
            _codes[code.Code] = code;
            if (_codes.Count > CodesKept)
            {
                // The oldest codes go first (they are the first to expire).
                foreach (var old in _codes.Values.OrderBy(c => c.ExpiresAt).Take(_codes.Count - CodesKept).ToList())
                {
                    _codes.Remove(old.Code);
                }
            }
        }

        Changed?.Invoke();
        return code;
    }

    /// <summary>The code if it can take its reply now; otherwise null and why not.</summary>
    public AiBotResponseCode? Usable(string? code, out string why)
    {
        AiBotResponseCode? found;
        lock (_gate)
        {
            found = code is null ? null : _codes.GetValueOrDefault(code);
        }

        why = found switch
        {
            null => "response_code names no message: use the response_url of a callback as given",
            { UsedAt: not null } => "this response_url was used already: each takes one reply",
            _ when time.GetUtcNow() > found.ExpiresAt => "this response_url has expired: it takes its reply within 1 hour of the message",
            _ => string.Empty,
        };
        return why.Length == 0 ? found : null;
    }

    /// <summary>Marks the code used; false when another call used it first.</summary>
    public bool Use(string code)
    {
        lock (_gate)
        {
            if (!_codes.TryGetValue(code, out var found) || found.UsedAt is not null)
            {
                return false;
            }

            _codes[code] = found with { UsedAt = time.GetUtcNow() };
        }

        Changed?.Invoke();
        return true;
    }

    /// <summary>Gives a code back when the reply it carried was refused after it was taken.</summary>
    public void Unuse(string code)
    {
        lock (_gate)
        {
            if (_codes.TryGetValue(code, out var found))
            {
                _codes[code] = found with { UsedAt = null };
            }
        }

        Changed?.Invoke();
    }

    public AiBotCallbackRecord Record(string botId, string kind, string? msgId, string? streamId, int attempt, int? status, string outcome, string? error, string? reply)
    {
        lock (_gate)
        {
            var record = new AiBotCallbackRecord(++_sequence, botId, kind, msgId, streamId, attempt, status, outcome, error, reply, time.GetUtcNow().ToUnixTimeMilliseconds());
            _log.AddLast(record);
            while (_log.Count > LogCapacity)
            {
                _log.RemoveFirst();
            }

            return record;
        }
    }

    public IReadOnlyList<AiBotCallbackRecord> Records(string? botId = null, string? msgId = null)
    {
        lock (_gate)
        {
            return [.. _log.Where(r => (botId is null || r.BotId == botId) && (msgId is null || r.MsgId == msgId))];
        }
    }

    public (IReadOnlyList<AiBotCallbackSettings> Settings, IReadOnlyList<AiBotResponseCode> Codes) Export()
    {
        lock (_gate)
        {
            return ([.. _settings.Values], [.. _codes.Values]);
        }
    }

    public void Restore(IEnumerable<AiBotCallbackSettings> settings, IEnumerable<AiBotResponseCode> codes)
    {
        lock (_gate)
        {
            foreach (var s in settings)
            {
                _settings[s.BotId] = s;
            }

            foreach (var c in codes)
            {
                _codes[c.Code] = c;
            }
        }
    }
}
