using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Auth;

/// <summary>
/// The admin API key. Taken from <c>Larkway:AdminKey</c> or <c>LARKWAY_ADMIN_KEY</c> when set; otherwise
/// generated on the first start (32 random bytes, base64url), stored only as its SHA-256 hash, and shown once
/// (<see cref="HubConsole.ShowSecretAsync"/>). Only hashes are compared, in constant time.
/// </summary>
internal sealed partial class HubAdminKey(
    IConfiguration configuration,
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    HubConsole console,
    TimeProvider time,
    ILogger<HubAdminKey> logger)
{
    /// <summary>The <c>hub_settings</c> row holding the generated key's hash (base64url).</summary>
    public const string SettingName = "admin_key_sha256";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _hash;

    /// <summary>True when <paramref name="presented"/> is the admin key.</summary>
    public async ValueTask<bool> VerifyAsync(string? presented, CancellationToken cancellationToken)
    {
        var expected = await GetHashAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        // Hashing first makes the comparison constant-time regardless of the presented length.
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Loads, or on the very first start generates, the key's hash.</summary>
    public async ValueTask<byte[]> GetHashAsync(CancellationToken cancellationToken)
    {
        if (_hash is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _hash ??= await LoadOrCreateAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var configured = configuration["Larkway:AdminKey"];
        if (string.IsNullOrEmpty(configured))
        {
            configured = configuration["LARKWAY_ADMIN_KEY"];
        }

        if (!string.IsNullOrEmpty(configured))
        {
            LogConfiguredKey(logger);
            return SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        }

        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await ReadStoredAsync(db, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return stored;
            }

            var key = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
            db.Settings.Add(new HubSetting { Name = SettingName, Value = Base64Url.EncodeToString(hash), UpdatedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // Another process started first and printed its key; ours was never valid, so it is not shown.
                db.ChangeTracker.Clear();
                return await ReadStoredAsync(db, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The admin key hash vanished.");
            }

            // Stored before it is shown: a key that is shown is always the one that works. Never through the logger.
            var shownAt = await console.ShowSecretAsync(
                "Larkway Hub admin key", key, "Use it as 'Authorization: Bearer <key>' on /api/v1. Set LARKWAY_ADMIN_KEY to choose your own.", cancellationToken).ConfigureAwait(false);
            LogGeneratedKey(logger, shownAt);
            return hash;
        }
    }

    private static async Task<byte[]?> ReadStoredAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var value = await db.Settings.AsNoTracking()
            .Where(s => s.Name == SettingName)
            .Select(s => s.Value)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return value is null ? null : Base64Url.DecodeFromChars(value);
    }

    [LoggerMessage(EventId = LogEvents.HubAdminKeyConfiguredKey, Level = LogLevel.Information, Message = "Admin API key taken from configuration.")]
    private static partial void LogConfiguredKey(ILogger logger);

    [LoggerMessage(EventId = LogEvents.HubAdminKeyGeneratedKey, Level = LogLevel.Information, Message = "Admin API key generated and shown once ({ShownAt}); only its hash is stored.")]
    private static partial void LogGeneratedKey(ILogger logger, string shownAt);
}

/// <summary>Loads or generates the admin key when the host starts, so a new key is printed at once.</summary>
internal sealed class HubAdminKeyStartup(HubAdminKey key) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await key.GetHashAsync(cancellationToken).ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
