using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Authen;

/// <summary>What h5sdk.config sends to be checked.</summary>
internal sealed record H5Config(string? AppId, string? Timestamp, string? NonceStr, string? Signature, string? Url);

/// <summary>
/// The Feishu client's check of <c>h5sdk.config</c> (鉴权调用 JSAPI): signature = lowercase hex SHA-1 of
/// <c>jsapi_ticket=…&amp;noncestr=…&amp;timestamp=…&amp;url=…</c> over the app's live ticket; a signature lives 10 minutes
/// and is taken once in that time. Signatures seen are kept in memory for those 10 minutes only.
/// </summary>
internal sealed class H5ConfigChecker(EmulatorState state, JsapiTickets tickets, TimeProvider time)
{
    public const int AppMissing = 333440;
    public const int WrongSignature = 333441;
    public const int NoTicket = 333442;
    public const int SignatureReused = 333443;
    public const int SignatureExpired = 333444;

    public static readonly TimeSpan SignatureLifetime = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string AppId, string Signature), DateTimeOffset> _seen = [];

    /// <summary>Feishu's signature for these values (the order of the fields is fixed).</summary>
    public static string Sign(string ticket, string nonceStr, string timestamp, string url)
    {
        // CA5350: SHA-1 is weak, but it is what the Feishu client checks; the Emulator must check the same.
#pragma warning disable CA5350
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"jsapi_ticket={ticket}&noncestr={nonceStr}&timestamp={timestamp}&url={url}")));
#pragma warning restore CA5350
    }

    /// <summary>0 and "ok", or the client's error code and what to fix.</summary>
    public (int Code, string Msg) Check(H5Config config)
    {
        if (config.AppId is null || state.FindApp(config.AppId) is not { Disabled: false } app)
        {
            return (AppMissing, $"app '{config.AppId}' does not exist");
        }

        if (tickets.Current(app.AppId) is not { } ticket)
        {
            return (NoTicket, "the app has no valid jsapi_ticket: fetch one with POST /open-apis/jssdk/ticket/get and sign with it");
        }

        if (config.Timestamp is null || !long.TryParse(config.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || config.NonceStr is null || config.Signature is null || config.Url is null)
        {
            return (WrongSignature, "timestamp (milliseconds), nonceStr, signature and the page url are all needed");
        }

        var now = time.GetUtcNow();
        if (now - DateTimeOffset.FromUnixTimeMilliseconds(ms) > SignatureLifetime)
        {
            return (SignatureExpired, "the signature is older than 10 minutes: sign again with a fresh timestamp");
        }

        var expected = Sign(ticket, config.NonceStr, config.Timestamp, config.Url);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(config.Signature)))
        {
            return (WrongSignature, "signature mismatch: sign jsapi_ticket, noncestr, timestamp and url (this page's URL without #fragment) in that order");
        }

        lock (_gate)
        {
            foreach (var stale in _seen.Where(p => p.Value <= now).Select(p => p.Key).ToList())
            {
                _seen.Remove(stale);
            }

            if (!_seen.TryAdd((app.AppId, expected), now + SignatureLifetime))
            {
                return (SignatureReused, "this signature was used within the last 10 minutes: make a new nonceStr and timestamp for every config");
            }
        }

        return (ErrorCodes.Success, "ok");
    }
}
