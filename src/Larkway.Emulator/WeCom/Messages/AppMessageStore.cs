using System.Security.Cryptography;
using Larkway.Emulator.State;
using Larkway.Emulator.WeCom.Platform;

namespace Larkway.Emulator.WeCom.Messages;

/// <summary>The app's sent messages, their response codes, and what members wrote to the app.</summary>
internal sealed class AppMessageStore(TimeProvider time, StateRevision revision)
{
    /// <summary>Documented: a response_code is valid 72 hours and usable once.</summary>
    public static readonly TimeSpan ResponseCodeLifetime = TimeSpan.FromHours(72);

    private readonly Lock _gate = new();
    private readonly List<AppMessage> _messages = [];
    private readonly Dictionary<string, ResponseCodeClaim> _codes = new(StringComparer.Ordinal);
    private readonly List<InboundMessage> _inbound = [];
    private long _sequence;

    public event Action? Changed;

    public string NextMsgId()
    {
        lock (_gate)
        {
            return "wc" + (++_sequence).ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + WeComIds.Alphanumeric(24);
        }
    }

    public void Add(AppMessage message)
    {
        lock (_gate)
        {
            _messages.Add(message);
        }

        Touch();
    }

    public AppMessage? Find(string msgId)
    {
        lock (_gate)
        {
            return _messages.FirstOrDefault(m => m.MsgId == msgId);
        }
    }

    public IReadOnlyList<AppMessage> ToUser(string userId)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.Recipients.Contains(userId, StringComparer.OrdinalIgnoreCase))];
        }
    }

    public AppMessage? Update(string msgId, Func<AppMessage, AppMessage> change)
    {
        AppMessage? updated = null;
        lock (_gate)
        {
            var index = _messages.FindIndex(m => m.MsgId == msgId);
            if (index >= 0)
            {
                updated = _messages[index] = change(_messages[index]);
            }
        }

        if (updated is not null)
        {
            Touch();
        }

        return updated;
    }

    public ResponseCodeClaim IssueResponseCode(string msgId, string? userId)
    {
        var claim = new ResponseCodeClaim(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '-').Replace('/', '_').TrimEnd('='), msgId, userId, time.GetUtcNow() + ResponseCodeLifetime);
        lock (_gate)
        {
            _codes[claim.Code] = claim;
        }

        Touch();
        return claim;
    }

    /// <summary>Takes a response code once: null when unknown, used already or expired (each told apart by <paramref name="why"/>).</summary>
    public ResponseCodeClaim? TakeResponseCode(string code, out string why)
    {
        lock (_gate)
        {
            if (!_codes.TryGetValue(code, out var claim))
            {
                why = "no card was sent or clicked with that response_code";
                return null;
            }

            if (claim.Used)
            {
                why = "that response_code was used already (each is usable once)";
                return null;
            }

            if (claim.ExpiresAt <= time.GetUtcNow())
            {
                why = "that response_code expired (they are valid 72 hours)";
                return null;
            }

            _codes[code] = claim with { Used = true };
            why = string.Empty;
        }

        Touch();
        return _codes[code];
    }

    public void AddInbound(InboundMessage message)
    {
        lock (_gate)
        {
            _inbound.Add(message);
        }

        Touch();
    }

    public void UpdateInbound(string msgId, Func<InboundMessage, InboundMessage> change)
    {
        lock (_gate)
        {
            var index = _inbound.FindIndex(m => m.MsgId == msgId);
            if (index < 0)
            {
                return;
            }

            _inbound[index] = change(_inbound[index]);
        }

        Touch();
    }

    public IReadOnlyList<InboundMessage> FromUser(string userId)
    {
        lock (_gate)
        {
            return [.. _inbound.Where(m => string.Equals(m.UserId, userId, StringComparison.OrdinalIgnoreCase))];
        }
    }

    public (IReadOnlyList<AppMessage> Messages, IReadOnlyList<ResponseCodeClaim> Codes, IReadOnlyList<InboundMessage> Inbound) Export()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return ([.. _messages], [.. _codes.Values.Where(c => c.ExpiresAt > now)], [.. _inbound]);
        }
    }

    public void Restore(IEnumerable<AppMessage> messages, IEnumerable<ResponseCodeClaim> codes, IEnumerable<InboundMessage> inbound)
    {
        lock (_gate)
        {
            _messages.AddRange(messages);
            foreach (var code in codes)
            {
                _codes[code.Code] = code;
            }

            _inbound.AddRange(inbound);
            _sequence = _messages.Count + _inbound.Count;
        }
    }

    private void Touch()
    {
        revision.Advance();
        Changed?.Invoke();
    }
}
