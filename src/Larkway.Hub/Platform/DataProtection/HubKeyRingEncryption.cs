using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Larkway.Hub.Platform.Configuration;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Platform.DataProtection;

/// <summary>The key ring's encryption at rest, bound from <c>Larkway:DataProtection</c>.</summary>
public sealed class HubDataProtectionOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:DataProtection";

    /// <summary>
    /// The key-encryption key: 32 random bytes in base64 (<c>openssl rand -base64 32</c>), from the environment or a
    /// secrets file, never the database. When set, every Data Protection key is stored encrypted with it (AES-256-GCM).
    /// </summary>
    public string? KeyEncryptionKey { get; set; }
}

/// <summary>
/// Encrypts and decrypts the key ring's secret elements with the operator's key-encryption key (issue 28 §2): whoever
/// reads <c>hub_data_protection_keys</c> without that key learns nothing that decrypts the Hub's stored secrets.
/// </summary>
internal sealed class HubKeyRingCipher
{
    /// <summary>The element an encrypted secret is stored as.</summary>
    public static readonly XName ElementName = XName.Get("hubEncryptedKey", "urn:larkway:data-protection");

    private static readonly byte[] Associated = Encoding.ASCII.GetBytes("larkway-key-ring-v1");
    private readonly byte[]? _key;

    public HubKeyRingCipher(IOptions<HubDataProtectionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Value.KeyEncryptionKey))
        {
            return;
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(options.Value.KeyEncryptionKey.Trim());
        }
        catch (FormatException)
        {
            throw new HubConfigurationException($"{HubDataProtectionOptions.SectionName}:KeyEncryptionKey is not base64. Make one with: openssl rand -base64 32");
        }

        if (key.Length != 32)
        {
            throw new HubConfigurationException($"{HubDataProtectionOptions.SectionName}:KeyEncryptionKey must be 32 bytes (it is {key.Length}). Make one with: openssl rand -base64 32");
        }

        _key = key;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
    }

    /// <summary>Whether a key-encryption key is configured.</summary>
    public bool Enabled => _key is not null;

    /// <summary>A fingerprint of the key-encryption key (not secret), stored beside what it encrypted to name it in errors.</summary>
    public string? KeyId { get; }

    public XElement Encrypt(XElement plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var key = _key ?? throw new InvalidOperationException("No key-encryption key is configured.");
        var text = Encoding.UTF8.GetBytes(plain.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[12 + text.Length + 16];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(sealedBytes.AsSpan(0, 12), text, sealedBytes.AsSpan(12, text.Length), sealedBytes.AsSpan(12 + text.Length), Associated);
        return new XElement(ElementName, new XAttribute("kek", KeyId!), Convert.ToBase64String(sealedBytes));
    }

    /// <exception cref="CryptographicException">No key-encryption key is set, or it is not the one the element was encrypted with.</exception>
    public XElement Decrypt(XElement encrypted)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        var stored = (string?)encrypted.Attribute("kek") ?? "?";
        if (_key is null || !string.Equals(stored, KeyId, StringComparison.Ordinal))
        {
            throw new CryptographicException(Mismatch(stored));
        }

        var bytes = Convert.FromBase64String(encrypted.Value);
        var text = new byte[bytes.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(12, text.Length), bytes.AsSpan(12 + text.Length), text, Associated);
        return XElement.Parse(Encoding.UTF8.GetString(text));
    }

    /// <summary>What to say when the ring was encrypted with another key-encryption key (or one is missing).</summary>
    public string Mismatch(string stored) => _key is null
        ? $"The Data Protection key ring is encrypted with a key-encryption key (fingerprint {stored}) and {HubDataProtectionOptions.SectionName}:KeyEncryptionKey is not set: set it to that key."
        : $"The Data Protection key ring was encrypted with another key-encryption key (fingerprint {stored}; the configured {HubDataProtectionOptions.SectionName}:KeyEncryptionKey is {KeyId}): set the key it was written with.";
}

/// <summary>Data Protection's side of <see cref="HubKeyRingCipher"/> when it writes a key.</summary>
internal sealed class HubKeyRingEncryptor(HubKeyRingCipher cipher) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(cipher.Encrypt(plaintextElement), typeof(HubKeyRingDecryptor));
}

/// <summary>Data Protection's side of <see cref="HubKeyRingCipher"/> when it reads a key (made by Data Protection's activator).</summary>
internal sealed class HubKeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => services.GetRequiredService<HubKeyRingCipher>().Decrypt(encryptedElement);
}
