using System.Security.Cryptography;
using System.Text.Json;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Larkway.Hub.Identity.Keys;

/// <summary>A signing key as the broker uses it: the row's times and the loaded key.</summary>
internal sealed record SigningKey(string Id, string Algorithm, DateTimeOffset CreatedAt, DateTimeOffset SignFrom, SecurityKey Key, JsonWebKey PublicJwk)
{
    public SigningCredentials Credentials => new(Key, Algorithm);
}

/// <summary>
/// The broker's signing keys, from <c>identity_signing_keys</c>. Which key signs and which are published follows from
/// the rows' times alone, so every replica agrees without talking to the others:
/// <list type="bullet">
/// <item>the signing key is the newest whose <c>sign_from</c> has come;</item>
/// <item>a key is published from its creation (a day before it signs, by default) until
/// <see cref="IdentityOptions.KeyRetention"/> after its successor started signing — longer than any token it signed
/// lives.</item>
/// </list>
/// Private keys are generated here and stored protected by the Hub's <see cref="HubSecretProtector"/> (purpose
/// <c>Larkway.Hub.Identity.SigningKeys.v1</c>). The rows are read again at most every <see cref="CacheFor"/>.
/// </summary>
internal sealed class SigningKeys
{
    /// <summary>How long a replica uses what it read before reading the rows again; far below the prepublish time.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly HubDatabaseInitializer _initializer;
    private readonly HubSecretProtector _protector;
    private readonly IOptions<IdentityOptions> _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset ReadAt, IReadOnlyList<SigningKey> Keys)? _cache;

    public SigningKeys(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IDataProtectionProvider dataProtection, IOptions<IdentityOptions> options, TimeProvider time)
    {
        _contexts = contexts;
        _initializer = initializer;
        _protector = new HubSecretProtector(dataProtection, "Larkway.Hub.Identity.SigningKeys.v1");
        _options = options;
        _time = time;
    }

    /// <summary>The key that signs now; the first key is made on first use when the rotation job has not run yet.</summary>
    public async Task<SigningKey> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (Signer(await LoadAsync(cancellationToken).ConfigureAwait(false), now) is { } key)
        {
            return key;
        }

        await CreateAsync(now, cancellationToken).ConfigureAwait(false);
        return Signer(await LoadAsync(cancellationToken, reload: true).ConfigureAwait(false), now)
            ?? throw new InvalidOperationException("No signing key after creating one.");
    }

    /// <summary>The keys published now (the JWKS), newest first.</summary>
    public async Task<IReadOnlyList<SigningKey>> PublishedAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var keys = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (Signer(keys, now) is null)
        {
            await CurrentAsync(cancellationToken).ConfigureAwait(false);
            keys = await LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        return [.. keys.Where(k => IsPublished(keys, k, now, _options.Value.KeyRetention))];
    }

    /// <summary>
    /// The rotation job's work: a successor is made <see cref="IdentityOptions.KeyPrepublish"/> before the signing key's
    /// time is up, and keys no longer published are deleted; before the first key exists there is nothing to do. Returns
    /// what it did, for the job's log and the tests.
    /// </summary>
    public async Task<(bool Created, int Deleted)> RotateAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var now = _time.GetUtcNow();
        var keys = await LoadAsync(cancellationToken, reload: true).ConfigureAwait(false);
        if (keys.Count == 0)
        {
            // Nothing to rotate yet: the first key is made when something first signs or publishes (CurrentAsync), so a Hub
            // that never serves sign-in never generates one (an RSA key costs a start up to a second of CPU).
            return (false, 0);
        }

        var created = false;
        if (Signer(keys, now) is not { } signer)
        {
            await CreateAsync(now, cancellationToken).ConfigureAwait(false);
            created = true;
        }
        else if (!keys.Any(k => k.SignFrom > now))
        {
            var due = signer.SignFrom + options.KeyRotationInterval;
            if (due - now <= options.KeyPrepublish)
            {
                // Published from now, signing once the prepublish time has passed (and not before the current key's turn ends).
                var signFrom = now + options.KeyPrepublish > due ? now + options.KeyPrepublish : due;
                await CreateAsync(signFrom, cancellationToken).ConfigureAwait(false);
                created = true;
            }
        }

        keys = await LoadAsync(cancellationToken, reload: true).ConfigureAwait(false);
        var gone = keys.Where(k => !IsPublished(keys, k, now, options.KeyRetention) && k.SignFrom <= now).Select(k => k.Id).ToList();
        var deleted = 0;
        if (gone.Count > 0)
        {
            var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                deleted = await db.IdentitySigningKeys.Where(k => gone.Contains(k.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await LoadAsync(cancellationToken, reload: true).ConfigureAwait(false);
        }

        return (created, deleted);
    }

    /// <summary>The newest key whose signing time has come.</summary>
    internal static SigningKey? Signer(IReadOnlyList<SigningKey> keys, DateTimeOffset now) =>
        keys.Where(k => k.SignFrom <= now).OrderByDescending(k => k.SignFrom).ThenByDescending(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>
    /// Published: not yet signing (prepublished), signing now, or retired less than <paramref name="retention"/> ago —
    /// retired when the next newer key started signing.
    /// </summary>
    internal static bool IsPublished(IReadOnlyList<SigningKey> keys, SigningKey key, DateTimeOffset now, TimeSpan retention)
    {
        var successor = keys.Where(k => k.SignFrom > key.SignFrom || (k.SignFrom == key.SignFrom && k.CreatedAt > key.CreatedAt))
            .Where(k => k.SignFrom <= now)
            .OrderBy(k => k.SignFrom)
            .FirstOrDefault();
        return successor is null || now < successor.SignFrom + retention;
    }

    private async Task<IReadOnlyList<SigningKey>> LoadAsync(CancellationToken cancellationToken, bool reload = false)
    {
        var now = _time.GetUtcNow();
        if (!reload && _cache is { } cached && now - cached.ReadAt < CacheFor && now >= cached.ReadAt)
        {
            return cached.Keys;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!reload && _cache is { } again && now - again.ReadAt < CacheFor && now >= again.ReadAt)
            {
                return again.Keys;
            }

            var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
            List<SigningKeyRow> rows;
            await using (db.ConfigureAwait(false))
            {
                rows = await db.IdentitySigningKeys.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            }

            var known = _cache?.Keys.ToDictionary(k => k.Id, StringComparer.Ordinal) ?? [];
            var keys = rows.Select(r => known.TryGetValue(r.Id, out var k) ? k : Load(r))
                .OrderByDescending(k => k.SignFrom).ToList();
            _cache = (now, keys);
            return keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    private SigningKey Load(SigningKeyRow row)
    {
        var pkcs8 = Convert.FromBase64String(_protector.Unprotect(row.PrivateKey));
        SecurityKey key = row.Algorithm switch
        {
            SecurityAlgorithms.EcdsaSha256 => new ECDsaSecurityKey(ImportEc(pkcs8)) { KeyId = row.Id },
            _ => new RsaSecurityKey(ImportRsa(pkcs8)) { KeyId = row.Id },
        };
        var jwk = new JsonWebKey(row.PublicJwk);
        return new SigningKey(row.Id, row.Algorithm, row.CreatedAt, row.SignFrom, key, jwk);
    }

    private async Task CreateAsync(DateTimeOffset signFrom, CancellationToken cancellationToken)
    {
        var algorithm = _options.Value.SigningAlgorithm;
        var id = "k" + _time.GetUtcNow().ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        byte[] pkcs8;
        JsonWebKey jwk;
        if (algorithm == SecurityAlgorithms.EcdsaSha256)
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            pkcs8 = ec.ExportPkcs8PrivateKey();
            var p = ec.ExportParameters(false);
            jwk = new JsonWebKey { Kty = "EC", Crv = "P-256", X = Base64UrlEncoder.Encode(p.Q.X), Y = Base64UrlEncoder.Encode(p.Q.Y) };
        }
        else
        {
            using var rsa = RSA.Create(2048);
            pkcs8 = rsa.ExportPkcs8PrivateKey();
            var p = rsa.ExportParameters(false);
            jwk = new JsonWebKey { Kty = "RSA", N = Base64UrlEncoder.Encode(p.Modulus), E = Base64UrlEncoder.Encode(p.Exponent) };
        }

        jwk.Kid = id;
        jwk.Use = "sig";
        jwk.Alg = algorithm;
        var row = new SigningKeyRow
        {
            Id = id,
            Algorithm = algorithm,
            PrivateKey = _protector.Protect(Convert.ToBase64String(pkcs8)),
            PublicJwk = PublicJson(jwk),
            CreatedAt = _time.GetUtcNow(),
            SignFrom = signFrom,
        };
        CryptographicOperations.ZeroMemory(pkcs8);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.IdentitySigningKeys.Add(row);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The JWK's public members only, as the JWKS shows them.</summary>
    internal static string PublicJson(JsonWebKey jwk)
    {
        var members = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["kid"] = jwk.Kid, ["kty"] = jwk.Kty, ["use"] = jwk.Use, ["alg"] = jwk.Alg };
        if (jwk.Kty == "EC")
        {
            members["crv"] = jwk.Crv;
            members["x"] = jwk.X;
            members["y"] = jwk.Y;
        }
        else
        {
            members["n"] = jwk.N;
            members["e"] = jwk.E;
        }

        return JsonSerializer.Serialize(members, IdentityJsonContext.Default.SortedDictionaryStringString);
    }

    private static RSA ImportRsa(byte[] pkcs8)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return rsa;
    }

    private static ECDsa ImportEc(byte[] pkcs8)
    {
        var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(pkcs8, out _);
        return ec;
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
