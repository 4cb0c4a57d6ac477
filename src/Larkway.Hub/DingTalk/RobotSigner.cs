using System.Security.Cryptography;
using System.Text;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Who signed an outgoing-robot callback, as the signature ledger keys it. The <c>sign</c> is an HMAC with the AppSecret
/// alone (not the AppKey, not the Hub app), so every stored app with that secret accepts the same signatures: they are one
/// signer. Its name is an HMAC of a fixed label with the secret as the key — the same on every replica and across the
/// Hub's key rotations, and of no use to whoever reads the database without the secret.
/// </summary>
internal static class RobotSigner
{
    /// <summary>The name's length in bytes (HMAC-SHA256).</summary>
    public const int Length = 32;

    private static readonly byte[] Label = Encoding.UTF8.GetBytes("larkway/dingtalk-outgoing-robot-signer/v1");

    /// <summary>The signer of requests signed with <paramref name="appSecret"/>.</summary>
    public static byte[] Of(string appSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(appSecret);
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Label);
    }
}
