using System.Security.Cryptography;
using System.Text;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// The <c>client_token</c> of idempotent writes: a UUID v4 (Feishu refuses others with 1254037). A batch split into
/// chunks gives each chunk a token derived from the batch's and the chunk's place, so resending the same rows with the
/// same batch token — a retry, or the caller's re-run after a crash — reuses the same chunk tokens.
/// </summary>
internal static class BitableClientTokens
{
    /// <summary>The caller's token as Feishu wants it, or a new one.</summary>
    /// <exception cref="ArgumentException">The token is not a version 4 UUID.</exception>
    public static string Check(Guid? token, string paramName)
    {
        if (token is { } given && given.Version != 4)
        {
            throw new ArgumentException($"A client_token must be a UUID v4 (Guid.NewGuid()); {given} is version {given.Version}.", paramName);
        }

        return (token ?? Guid.NewGuid()).ToString("D");
    }

    /// <summary>The token of the chunk holding rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of a batch with <paramref name="batchToken"/>.</summary>
    public static string Derive(string batchToken, int start, int count)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{batchToken}:{start}:{count}"), hash);

        // Shaped as a version 4, variant 1 UUID: what Feishu checks the token against.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x40);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString("D");
    }
}
