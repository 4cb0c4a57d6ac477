using System.Security.Cryptography;
using System.Xml.Linq;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.DataProtection;

/// <summary>
/// At start: with a key-encryption key, checks it opens the stored ring (a wrong one stops the Hub, naming the setting)
/// and re-writes keys stored in the clear by an earlier start encrypted; without one, says once that the ring is stored
/// in the clear and how to change that (outside the sandbox).
/// </summary>
internal sealed partial class HubKeyRingStartup(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, HubKeyRingCipher cipher, ILogger<HubKeyRingStartup> logger, HubSettings? settings = null) : IHostedService
{
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", "http://schemas.asp.net/2015/03/dataProtection");
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.DataProtectionKeys.OrderBy(k => k.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            var rewritten = 0;
            foreach (var row in rows)
            {
                var xml = XElement.Parse(row.Xml);
                foreach (var encrypted in xml.Descendants(HubKeyRingCipher.ElementName))
                {
                    try
                    {
                        cipher.Decrypt(encrypted);
                    }
                    catch (CryptographicException ex)
                    {
                        // Configuration that cannot work: the start ends with this one sentence and exit code 2.
                        throw new HubConfigurationException(ex.Message == cipher.Mismatch((string?)encrypted.Attribute("kek") ?? "?")
                            ? ex.Message
                            : $"The Data Protection key ring does not decrypt with {HubDataProtectionOptions.SectionName}:KeyEncryptionKey: set the key it was written with.");
                    }
                }

                var plain = xml.Descendants().Where(e => (string?)e.Attribute(RequiresEncryption) == "true").ToList();
                if (plain.Count == 0 || !cipher.Enabled)
                {
                    continue;
                }

                // As Data Protection itself writes an encrypted secret: <encryptedSecret decryptorType=…> in place of the element,
                // or of the null encryptor's <encryptedSecret><unencryptedKey> wrapping it.
                foreach (var element in plain)
                {
                    var target = element.Parent is { Name.LocalName: "unencryptedKey", Parent: { } wrapper } && wrapper.Name == EncryptedSecret ? wrapper : element;
                    target.ReplaceWith(new XElement(EncryptedSecret, new XAttribute("decryptorType", typeof(HubKeyRingDecryptor).AssemblyQualifiedName!), cipher.Encrypt(element)));
                }

                row.Xml = xml.ToString(SaveOptions.DisableFormatting);
                rewritten++;
            }

            if (rewritten > 0)
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                LogRewritten(logger, rewritten);
            }

            // The sandbox's data is throwaway and on the developer's own disk: a warning there would only be noise.
            if (!cipher.Enabled && settings?.Mode != HubMode.Sandbox)
            {
                LogUnencrypted(logger, HubDataProtectionOptions.SectionName);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = LogEvents.DataProtectionKeyRingUnencrypted, Level = LogLevel.Warning, Message = "The Data Protection key ring is stored unencrypted in the Hub's database: whoever reads that table can decrypt the stored secrets. Set {Section}:KeyEncryptionKey (openssl rand -base64 32) from the environment or a secrets file; docs/deploy.md says how.")]
    private static partial void LogUnencrypted(ILogger logger, string section);

    [LoggerMessage(EventId = LogEvents.DataProtectionKeyRingEncrypted, Level = LogLevel.Information, Message = "Encrypted {Count} Data Protection keys stored in the clear with the key-encryption key.")]
    private static partial void LogRewritten(ILogger logger, int count);
}
