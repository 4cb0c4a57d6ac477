using System.Security.Cryptography;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.DingTalk;

/// <summary>What the ledger found for an outgoing-robot callback's signature.</summary>
internal enum RobotSignatureUse
{
    /// <summary>First seen: recorded now.</summary>
    First,

    /// <summary>Seen before with the same body: DingTalk sending the same delivery again (the inbox stores it once).</summary>
    SameDelivery,

    /// <summary>Seen before with another body: a captured timestamp and sign replayed.</summary>
    Replay,
}

/// <summary>
/// Makes each outgoing-robot signature usable once. DingTalk's <c>sign</c> covers only the timestamp, so a captured
/// pair verifies with any body while the timestamp is fresh; the ledger records each verified (signer, timestamp) in the
/// database, where the primary key decides between replicas: the second insert of a pair conflicts, and only a body with
/// the first one's hash passes (a re-send of the same delivery). The signer is the AppSecret's (<see cref="RobotSigner"/>),
/// not the Hub app's name: two stored apps with one AppSecret accept the same signatures, so one record serves both.
/// </summary>
/// <remarks>
/// Two genuine callbacks of one app signed in the same millisecond carry the same signature and cannot be told from a
/// replay: the second is refused. Nothing a receiver can do distinguishes them, since the signature covers no more.
/// </remarks>
internal sealed class RobotSignatureLedger(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider)
{
    /// <summary>Records the signature made with <paramref name="appSecret"/> at <paramref name="timestamp"/> for <paramref name="body"/>, or says how it was used before.</summary>
    public async Task<RobotSignatureUse> UseAsync(string appSecret, long timestamp, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var signer = RobotSigner.Of(appSecret);
        var hash = SHA256.HashData(body.Span);
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.RobotSignatures.Add(new RobotSignatureRow { Signer = signer, Timestamp = timestamp, BodySha256 = hash });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return RobotSignatureUse.First;
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                db.ChangeTracker.Clear();
            }

            var stored = await db.RobotSignatures.AsNoTracking()
                .Where(r => r.Signer == signer && r.Timestamp == timestamp)
                .Select(r => r.BodySha256)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

            // Gone between the conflict and the read only if retention removed it, which it does for pairs past the
            // window: such a request no longer verifies, so the stricter answer is the right one.
            return stored is not null && CryptographicOperations.FixedTimeEquals(stored, hash) ? RobotSignatureUse.SameDelivery : RobotSignatureUse.Replay;
        }
    }
}
