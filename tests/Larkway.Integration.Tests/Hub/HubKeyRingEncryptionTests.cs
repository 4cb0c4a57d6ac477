using System.Security.Cryptography;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Issue 28 §2: with <c>Larkway:DataProtection:KeyEncryptionKey</c> the key ring holds no key material in the clear, a
/// Hub restarted with the same key reads its old secrets (and a ring an earlier start stored in the clear is encrypted),
/// and a wrong key stops the start naming the setting.
/// </summary>
public sealed class HubKeyRingEncryptionTests
{
    private const string Setting = "Larkway:DataProtection:KeyEncryptionKey";

    [Fact]
    public async Task The_ring_is_stored_encrypted_read_back_with_the_same_key_and_a_wrong_key_stops_the_start()
    {
        var data = Directory.CreateTempSubdirectory("larkway-kek-").FullName;
        var kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        // An earlier start without a key: a secret protected, the ring in the clear.
        string stored;
        await using (var plain = await HubSandbox.StartAsync(dataDirectory: data))
        {
            stored = plain.Host.Services.GetRequiredService<HubSecretProtector>().Protect("the-app-secret");
            (await RingAsync(plain)).ShouldContain("masterKey");
        }

        // Started with a key: the stored keys are re-written encrypted, new ones are written encrypted, old secrets read.
        await using (var encrypted = await HubSandbox.StartAsync(new Dictionary<string, string?> { [Setting] = kek }, data))
        {
            var protector = encrypted.Host.Services.GetRequiredService<HubSecretProtector>();
            var ring = await RingAsync(encrypted);
            Should.NotThrow(() => protector.Unprotect(stored), ring).ShouldBe("the-app-secret");
            ring.ShouldContain("hubEncryptedKey");
            ring.ShouldNotContain("masterKey");
        }

        await using (var again = await HubSandbox.StartAsync(new Dictionary<string, string?> { [Setting] = kek }, data))
        {
            again.Host.Services.GetRequiredService<HubSecretProtector>().Unprotect(stored).ShouldBe("the-app-secret");
        }

        var wrong = await Should.ThrowAsync<HubConfigurationException>(async () => await (await HubSandbox.StartAsync(new Dictionary<string, string?> { [Setting] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }, data)).DisposeAsync());
        wrong.ToString().ShouldContain("another key-encryption key");
        wrong.ToString().ShouldContain(Setting);

        var none = await Should.ThrowAsync<HubConfigurationException>(async () => await (await HubSandbox.StartAsync(dataDirectory: data)).DisposeAsync());
        none.ToString().ShouldContain("is not set");
    }

    private static async Task<string> RingAsync(HubSandbox hub)
    {
        var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            return string.Join("\n", await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());
        }
    }
}
