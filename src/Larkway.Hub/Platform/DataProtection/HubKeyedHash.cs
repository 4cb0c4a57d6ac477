using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Larkway.Hub.Platform.DataProtection;

/// <summary>
/// HMAC-SHA256 of short secrets (a six-digit code) with a key derived from the Hub's Data Protection key ring, so a
/// stored hash cannot be reversed by trying every value without the ring (a bare SHA-256 of six digits falls to a
/// million guesses). Each purpose has its own key: HKDF over a ring key's master key, salted with the key's id. A value
/// is hashed with the ring's current key and checked against every key not revoked, so a rotation of the ring leaves
/// earlier hashes readable; no new secret is stored.
/// </summary>
public sealed class HubKeyedHash(IKeyManager keys, IDataProtectionProvider provider, TimeProvider time)
{
    private readonly ConcurrentDictionary<(Guid Key, string Purpose), byte[]> _derived = new();

    /// <summary>The hash of <paramref name="value"/> for <paramref name="purpose"/> (64 lower-case hex digits).</summary>
    public string Hash(string purpose, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentNullException.ThrowIfNull(value);
        return Compute(Current(), purpose, value);
    }

    /// <summary>True when <paramref name="stored"/> is the hash of <paramref name="value"/> under any key of the ring not revoked.</summary>
    public bool Matches(string purpose, string value, string stored)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(stored);
        var expected = Encoding.ASCII.GetBytes(stored);
        var found = false;
        foreach (var key in keys.GetAllKeys().Where(k => !k.IsRevoked))
        {
            // Every key is tried, so the time taken does not say which one matched.
            found |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(Compute(key, purpose, value)));
        }

        return found;
    }

    private string Compute(IKey key, string purpose, string value)
    {
        var derived = _derived.GetOrAdd((key.KeyId, purpose), k => Derive(key, k.Purpose));
        return Convert.ToHexStringLower(HMACSHA256.HashData(derived, Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>The ring's key in use now; asks Data Protection to create one when the ring has none yet.</summary>
    private IKey Current()
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var current = keys.GetAllKeys().Where(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now)
                .OrderByDescending(k => k.ActivationDate).FirstOrDefault();
            if (current is not null)
            {
                return current;
            }

            if (attempt > 0)
            {
                throw new InvalidOperationException("The Hub's Data Protection key ring has no active key to derive a hashing key from.");
            }

            // Protecting once makes the key manager create the ring's first key (as any first secret stored would).
            provider.CreateProtector("Larkway.Hub.KeyedHash.v1").Protect([0]);
        }
    }

    private static byte[] Derive(IKey key, string purpose)
    {
        var descriptor = key.Descriptor.ExportToXml().SerializedDescriptorElement;
        var value = descriptor.Descendants("masterKey").Elements("value").FirstOrDefault()?.Value
            ?? throw new InvalidOperationException($"Data Protection key {key.KeyId} has no master key to derive a hashing key from.");
        var master = Convert.FromBase64String(value);
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, key.KeyId.ToByteArray(), Encoding.UTF8.GetBytes("Larkway.Hub.KeyedHash/" + purpose));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
        }
    }
}
