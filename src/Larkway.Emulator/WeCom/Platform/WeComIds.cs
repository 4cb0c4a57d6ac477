using System.Security.Cryptography;

namespace Larkway.Emulator.WeCom.Platform;

/// <summary>Random identifiers in WeCom's alphabets.</summary>
internal static class WeComIds
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Digits(int count) => string.Create(count, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (char)('0' + RandomNumberGenerator.GetInt32(i == 0 ? 1 : 0, 10));
        }
    });

    public static string Alphanumeric(int count) => RandomNumberGenerator.GetString(Alphanumerics, count);

    /// <summary>A media_id: WeCom's are ~44 chars of letters, digits, '-' and '_'.</summary>
    public static string MediaId() => RandomNumberGenerator.GetString(Alphanumerics + "-_", 44);

    /// <summary>An access token (WeCom documents up to 512 bytes; real ones are ~100-char URL-safe strings).</summary>
    public static string AccessToken() => RandomNumberGenerator.GetString(Alphanumerics + "-_", 96);
}
