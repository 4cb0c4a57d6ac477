using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.DingTalk.Robots;

/// <summary>
/// DingTalk's robot signature, both ways: a custom group robot's webhook signed with its <c>SEC…</c> secret (the "加签"
/// security setting), and the <c>timestamp</c> / <c>sign</c> headers of an outgoing robot's callback, signed with the
/// app secret. Both are Base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)), the timestamp in
/// milliseconds and within an hour of DingTalk's clock. (Feishu's robot signature differs: its key is the string and its
/// message empty, in seconds.)
/// </summary>
public static class DingTalkRobotSignature
{
    /// <summary>How far a timestamp may be from now, either way.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>The signature of <paramref name="timestampMilliseconds"/> with <paramref name="secret"/>, Base64 (not URL-encoded).</summary>
    public static string Sign(string secret, long timestampMilliseconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Convert.ToBase64String(Hash(secret, timestampMilliseconds.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// The webhook URL with <c>timestamp</c> and <c>sign</c> appended for <paramref name="now"/>, the sign URL-encoded
    /// (a bare <c>+</c> in it would reach DingTalk as a space).
    /// </summary>
    public static Uri SignWebhook(Uri webhook, string secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (!webhook.IsAbsoluteUri)
        {
            throw new ArgumentException("The robot's webhook must be an absolute URL (https://oapi.dingtalk.com/robot/send?access_token=…).", nameof(webhook));
        }

        var timestamp = now.ToUnixTimeMilliseconds();
        var query = $"timestamp={timestamp}&sign={Uri.EscapeDataString(Sign(secret, timestamp))}";
        var builder = new UriBuilder(webhook)
        {
            Query = string.IsNullOrEmpty(webhook.Query) ? query : webhook.Query.TrimStart('?') + "&" + query,
        };
        return builder.Uri;
    }

    /// <summary>
    /// Checks an outgoing robot callback's <c>timestamp</c> and <c>sign</c> headers (as sent: the sign Base64, not
    /// URL-encoded) against <paramref name="appSecret"/> at <paramref name="now"/>, the timestamp within DingTalk's
    /// <see cref="Window"/>; both must pass.
    /// </summary>
    public static DingTalkSignatureStatus VerifyCallback(string? timestamp, string? sign, string appSecret, DateTimeOffset now) =>
        VerifyCallback(timestamp, sign, appSecret, now, Window);

    /// <summary>
    /// Checks an outgoing robot callback as <see cref="VerifyCallback(string?, string?, string, DateTimeOffset)"/> does, the
    /// timestamp within <paramref name="window"/> of <paramref name="now"/>. DingTalk stamps each request when it sends it,
    /// so a receiver whose clock is kept in time can take far less than the hour DingTalk allows, and a captured pair
    /// (the sign covers only the timestamp) is of use for no longer than that.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not positive or is wider than DingTalk's hour.</exception>
    public static DingTalkSignatureStatus VerifyCallback(string? timestamp, string? sign, string appSecret, DateTimeOffset now, TimeSpan window)
    {
        ArgumentException.ThrowIfNullOrEmpty(appSecret);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, Window);
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(sign))
        {
            return DingTalkSignatureStatus.Missing;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return DingTalkSignatureStatus.MalformedTimestamp;
        }

        if (Math.Abs((decimal)now.ToUnixTimeMilliseconds() - milliseconds) > (decimal)window.TotalMilliseconds)
        {
            return DingTalkSignatureStatus.Expired;
        }

        // The presented sign decoded, compared in fixed time with the HMAC: a sign that is not Base64 simply does not match.
        Span<byte> presented = stackalloc byte[64];
        return Convert.TryFromBase64String(sign, presented, out var length)
            && CryptographicOperations.FixedTimeEquals(presented[..length], Hash(appSecret, timestamp))
                ? DingTalkSignatureStatus.Valid
                : DingTalkSignatureStatus.Mismatch;
    }

    private static byte[] Hash(string secret, string timestamp)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(timestamp + "\n" + secret));
    }
}
