using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Feishu.Authen;

/// <summary>
/// The signature an H5 page passes to <c>h5sdk.config</c>: lower-case hex SHA-1 of
/// <c>jsapi_ticket=…&amp;noncestr=…&amp;timestamp=…&amp;url=…</c>, in exactly that order, the timestamp in milliseconds.
/// Feishu refuses a signature seen before (333443) or older than ten minutes (333444), so compute one per config call.
/// </summary>
public static class JsapiSignature
{
    /// <summary>The signature of <paramref name="url"/> (the page's URL as the page sees it) for this ticket, nonce and time.</summary>
    public static string Compute(string ticket, string nonce, long timestampMilliseconds, string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(ticket);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        ArgumentException.ThrowIfNullOrEmpty(url);
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMilliseconds);
        var signed = string.Create(CultureInfo.InvariantCulture, $"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestampMilliseconds}&url={url}");
        // CA5350: SHA-1 is weak, but it is what Feishu's h5sdk.config checks; the ticket, not the hash, is the secret.
#pragma warning disable CA5350
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(signed)));
#pragma warning restore CA5350
    }

    /// <summary>A web component's URL: the page URL without its query and fragment, as the component SDK signs it.</summary>
    public static string ComponentUrl(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        var end = url.IndexOfAny(['?', '#']);
        return end < 0 ? url : url[..end];
    }
}
