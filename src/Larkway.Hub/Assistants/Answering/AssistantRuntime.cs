using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Larkway.Channels.Backends;
using Larkway.Channels.Backends.Dify;
using Larkway.Channels.Backends.OpenAi;
using Larkway.Channels.Masking;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Answering;

/// <summary>An assistant ready to answer: its settings, its backend client and its masker, built once per change of its settings.</summary>
/// <param name="Definition">The settings (key in clear).</param>
/// <param name="Backend">The backend client.</param>
/// <param name="Masker">The masker with the assistant's rules toward the backend, the platform and storage.</param>
internal sealed record LoadedAssistant(AssistantDefinition Definition, IAssistantBackend Backend, PiiMasker Masker);

/// <summary>
/// Loads assistants for the router and the answering queue, and keeps them for <see cref="AssistantOptions.DefinitionCacheLifetime"/>:
/// reading an assistant decrypts its key, and a backend client and a masker are built per settings, not per question.
/// </summary>
internal sealed class AssistantRuntime(
    AssistantService assistants,
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    HubSecretProtector protector,
    IHttpClientFactory httpClients,
    IOptions<AssistantOptions> options,
    IMeterFactory meters,
    ILoggerFactory loggers,
    TimeProvider time)
{
    /// <summary>The named HttpClient the backends use (no Hub-wide timeout: the backend options bound each call).</summary>
    public const string HttpClientName = "Larkway.Hub.Assistants";

    private const string FingerprintKeySetting = "assistants.fingerprint_key";

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, long Changes, IReadOnlyList<AssistantDefinition> Definitions)> _byApp = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LoadedAssistant> _loaded = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _keyGate = new(1, 1);
    private byte[]? _fingerprintKey;

    /// <summary>The enabled assistant answering on <paramref name="app"/>, or null (the one stored first when an old overlap left several: <see cref="AssistantPrecedence"/>).</summary>
    public async Task<LoadedAssistant?> ForAppAsync(string app, CancellationToken cancellationToken)
    {
        // A change made through this Hub is seen at once (a group mode switched to "all" must not meet the old policy here
        // after the inbox's triage kept the message for it); another replica's when the cache's lifetime ends.
        var now = time.GetUtcNow();
        var changes = assistants.Changes;
        if (!_byApp.TryGetValue(app, out var cached) || now - cached.At > options.Value.DefinitionCacheLifetime || cached.Changes != changes)
        {
            cached = (now, changes, await assistants.ForAppAsync(app, cancellationToken).ConfigureAwait(false));
            _byApp[app] = cached;
        }

        return cached.Definitions.Count == 0 ? null : await LoadAsync(cached.Definitions[0], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The assistant named <paramref name="name"/> as stored now, or null when it is gone.</summary>
    public async Task<LoadedAssistant?> ByNameAsync(string name, CancellationToken cancellationToken)
    {
        var definition = await assistants.DefinitionAsync(name, cancellationToken).ConfigureAwait(false);
        return definition is null ? null : await LoadAsync(definition, cancellationToken).ConfigureAwait(false);
    }

    private async Task<LoadedAssistant> LoadAsync(AssistantDefinition definition, CancellationToken cancellationToken)
    {
        // Settings lists compare by reference; the stored change time says whether anything changed.
        if (_loaded.TryGetValue(definition.Name, out var loaded) && loaded.Definition.UpdatedAt == definition.UpdatedAt)
        {
            return loaded;
        }

        var key = await FingerprintKeyAsync(cancellationToken).ConfigureAwait(false);
        var fresh = new LoadedAssistant(definition, NewBackend(definition), NewMasker(definition, key));
        if (_loaded.TryGetValue(definition.Name, out var old) && old.Backend is IDisposable disposable)
        {
            // Meters only; an answer still streaming on the old client keeps its HttpClient.
            disposable.Dispose();
        }

        _loaded[definition.Name] = fresh;
        return fresh;
    }

    private IAssistantBackend NewBackend(AssistantDefinition d)
    {
        var streaming = d.Streaming;
        var http = httpClients.CreateClient(HttpClientName);
        if (d.Backend == AssistantPolicyValues.OpenAi)
        {
            return new OpenAiCompatibleBackend(
                new OpenAiBackendOptions
                {
                    Name = d.Name,
                    Endpoint = new Uri(d.BaseUrl),
                    ApiKey = d.ApiKey,
                    Model = d.Model ?? "",
                    FirstTokenTimeout = TimeSpan.FromSeconds(streaming.FirstTokenTimeoutSeconds),
                    TotalTimeout = TimeSpan.FromSeconds(streaming.AnswerTimeoutSeconds),
                },
                http,
                loggers.CreateLogger<OpenAiCompatibleBackend>(),
                meters,
                time);
        }

        return new DifyBackend(
            new DifyBackendOptions
            {
                Name = d.Name,
                BaseUrl = new Uri(d.BaseUrl),
                ApiKey = d.ApiKey,
                FirstTokenTimeout = TimeSpan.FromSeconds(streaming.FirstTokenTimeoutSeconds),
                TotalTimeout = TimeSpan.FromSeconds(streaming.AnswerTimeoutSeconds),
            },
            http,
            loggers.CreateLogger<DifyBackend>(),
            meters,
            time);
    }

    private PiiMasker NewMasker(AssistantDefinition d, byte[] fingerprintKey) => new(
        new MaskingOptions
        {
            FingerprintKey = fingerprintKey,
            ToBackend = new MaskingRuleSet { Mode = MaskingMode.Placeholder, Detectors = [.. d.Masking.ToBackend] },
            ToPlatform = new MaskingRuleSet { Mode = MaskingMode.Display, Detectors = [.. d.Masking.ToPlatform] },
            ToStorage = MaskingRuleSet.AllBuiltIn(MaskingMode.Display),
        },
        loggers.CreateLogger<PiiMasker>());

    /// <summary>
    /// The audit fingerprints' HMAC key: 32 random bytes made once per Hub, stored protected in the settings, so that every
    /// replica fingerprints a value the same way and nobody can compute a fingerprint without the Hub's key ring.
    /// </summary>
    private async Task<byte[]> FingerprintKeyAsync(CancellationToken cancellationToken)
    {
        if (_fingerprintKey is { } known)
        {
            return known;
        }

        await _keyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_fingerprintKey is { } raced)
            {
                return raced;
            }

            await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var stored = await db.Settings.AsNoTracking().Where(s => s.Name == FingerprintKeySetting).Select(s => s.Value)
                    .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (stored is null)
                {
                    db.Settings.Add(new HubSetting
                    {
                        Name = FingerprintKeySetting,
                        Value = protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
                        UpdatedAt = time.GetUtcNow(),
                    });
                    try
                    {
                        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (DbUpdateException)
                    {
                        // Another replica made it first: use theirs.
                    }

                    db.ChangeTracker.Clear();
                    stored = await db.Settings.AsNoTracking().Where(s => s.Name == FingerprintKeySetting).Select(s => s.Value)
                        .FirstAsync(cancellationToken).ConfigureAwait(false);
                }

                _fingerprintKey = Convert.FromBase64String(protector.Unprotect(stored));
                return _fingerprintKey;
            }
        }
        finally
        {
            _keyGate.Release();
        }
    }
}
