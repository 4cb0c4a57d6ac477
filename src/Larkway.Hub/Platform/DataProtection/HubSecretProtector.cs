using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Larkway.Hub.Platform.DataProtection;

/// <summary>
/// Encrypts the secrets the Hub must be able to read back (app secrets, encrypt keys, verification tokens, webhook
/// signing secrets) with ASP.NET Core Data Protection, keys from <see cref="DbXmlRepository"/>. Protected values are
/// stored as <c>dp1:</c> + Data Protection's base64url payload, so a reader can tell them from legacy plaintext.
/// </summary>
public sealed class HubSecretProtector
{
    /// <summary>Marks a protected value in the database.</summary>
    public const string Prefix = "dp1:";

    private readonly IDataProtector _protector;

    /// <summary>Creates the protector; <paramref name="purpose"/> separates one kind of secret from another.</summary>
    public HubSecretProtector(IDataProtectionProvider provider, string purpose = "Larkway.Hub.Secrets.v1")
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(purpose);
    }

    /// <summary>The stored form of <paramref name="plaintext"/>.</summary>
    public string Protect(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        return Prefix + _protector.Protect(plaintext);
    }

    /// <summary>True when <paramref name="stored"/> is protected (not legacy plaintext).</summary>
    public static bool IsProtected(string? stored) => stored is not null && stored.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The plaintext of a stored value. A value without the prefix is legacy plaintext and is returned as it is.
    /// </summary>
    /// <exception cref="CryptographicException">The key ring no longer holds the key (database restored without its keys).</exception>
    public string Unprotect(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return IsProtected(stored) ? _protector.Unprotect(stored[Prefix.Length..]) : stored;
    }
}
