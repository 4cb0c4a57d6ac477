using System.Security.Cryptography;
using Larkway.Channels.Backends.Dify.Knowledge;
using Larkway.Feishu;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Platform.DataProtection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>A connected space as the API and the console give it.</summary>
/// <param name="ApiKey">The knowledge API key; null on an edit keeps the stored one.</param>
/// <param name="DifyBaseUrl">Dify's service API; null takes the named assistant's.</param>
internal sealed record KnowledgeSyncInput(
    string Name,
    string App,
    string SpaceId,
    string? Assistant,
    string? DifyBaseUrl,
    string DatasetId,
    string? ApiKey,
    int? RequestsPerMinute,
    bool IncludeRestricted,
    int IntervalSeconds,
    bool Paused);

/// <summary>How a change ended: the sync, or the problems by field, or no such sync.</summary>
internal sealed record KnowledgeSyncResult(KnowledgeSyncRow? Value, IReadOnlyList<(string Field, string Message)>? Problems = null, bool NotFound = false)
{
    public static KnowledgeSyncResult Missing { get; } = new(null, NotFound: true);
}

/// <summary>
/// Connects wiki spaces to Dify knowledge bases: a definition is checked against the live space (the app must see it)
/// and the live knowledge base (the key must open it) before it is stored, so a sync never starts unable to run.
/// </summary>
internal sealed partial class KnowledgeSyncService(
    KnowledgeSyncStore store,
    KnowledgeClients clients,
    IFeishuClientFactory apps,
    HubSecretProtector secrets,
    TimeProvider time,
    ILogger<KnowledgeSyncService> logger,
    AssistantService? assistants = null)
{
    public const int MinIntervalSeconds = 60;
    public const int MaxIntervalSeconds = 7 * 24 * 3600;

    public Task<KnowledgeSyncRow?> GetAsync(string id, CancellationToken cancellationToken) => store.FindAsync(id, cancellationToken);

    public async Task<KnowledgeSyncResult> CreateAsync(KnowledgeSyncInput input, CancellationToken cancellationToken)
    {
        if (input.ApiKey is null)
        {
            return new(null, [("dify.api_key", "Required: the knowledge base's API key (Dify → Knowledge → API → API key, dataset-…).")]);
        }

        var (baseUrl, problems) = await CheckAsync(input, input.ApiKey, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            return new(null, problems);
        }

        if (await store.NameTakenAsync(input.Name, exceptId: null, cancellationToken).ConfigureAwait(false))
        {
            return new(null, [("name", $"A knowledge sync is already named '{input.Name}': choose another name.")]);
        }

        var now = time.GetUtcNow();
        var sync = new KnowledgeSyncRow
        {
            Id = "fks_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            CreatedAt = now,
            UpdatedAt = now,
            SpaceId = input.SpaceId,
            DatasetId = input.DatasetId,
        };
        Apply(sync, input, baseUrl!);
        await store.AddAsync(sync, cancellationToken).ConfigureAwait(false);
        LogChanged(logger, sync.Id, "connected", sync.SpaceId, sync.DatasetId);
        return new(sync);
    }

    public async Task<KnowledgeSyncResult> EditAsync(string id, KnowledgeSyncInput input, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken).ConfigureAwait(false) is not { } existing)
        {
            return KnowledgeSyncResult.Missing;
        }

        var problems = new List<(string Field, string Message)>();
        if (input.SpaceId != existing.SpaceId)
        {
            problems.Add(("space_id", $"A sync keeps its space ({existing.SpaceId}): connect the other space with a new sync, and delete this one."));
        }

        if (input.DatasetId != existing.DatasetId)
        {
            problems.Add(("dify.dataset_id", $"A sync keeps its knowledge base ({existing.DatasetId}): its documents are there. Connect the other one with a new sync."));
        }

        if (problems.Count > 0)
        {
            return new(null, problems);
        }

        var key = input.ApiKey ?? secrets.Unprotect(existing.DatasetKeyProtected);
        var (baseUrl, checkProblems) = await CheckAsync(input, key, cancellationToken).ConfigureAwait(false);
        if (checkProblems.Count > 0)
        {
            return new(null, checkProblems);
        }

        if (await store.NameTakenAsync(input.Name, exceptId: id, cancellationToken).ConfigureAwait(false))
        {
            return new(null, [("name", $"A knowledge sync is already named '{input.Name}': choose another name.")]);
        }

        var updated = await store.UpdateAsync(id, s => Apply(s, input with { ApiKey = key }, baseUrl!), cancellationToken).ConfigureAwait(false);
        if (updated is null)
        {
            return KnowledgeSyncResult.Missing;
        }

        clients.Forget(id);
        if (updated.State == KnowledgeSyncState.Active)
        {
            // Settings such as include_restricted change what belongs in the knowledge base: judged again at once.
            await store.MarkAsync(id, KnowledgeSyncStore.FullMark, KnowledgeMarks.Full, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await store.ParkAsync(id, cancellationToken).ConfigureAwait(false);
        }

        LogChanged(logger, id, "changed", updated.SpaceId, updated.DatasetId);
        return new(updated);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        clients.Forget(id);
        if (deleted)
        {
            LogChanged(logger, id, "deleted", "-", "-");
        }

        return deleted;
    }

    public async Task<KnowledgeSyncRow?> PauseAsync(string id, CancellationToken cancellationToken)
    {
        var sync = await store.UpdateAsync(id, s => s.State = KnowledgeSyncState.Paused, cancellationToken).ConfigureAwait(false);
        if (sync is not null)
        {
            await store.ParkAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return sync;
    }

    /// <summary>Runs again; the first pass after a resume is a full one (events were not followed while paused).</summary>
    public async Task<KnowledgeSyncRow?> ResumeAsync(string id, CancellationToken cancellationToken)
    {
        var sync = await store.UpdateAsync(id, s => s.State = KnowledgeSyncState.Active, cancellationToken).ConfigureAwait(false);
        if (sync is not null)
        {
            await store.MarkAsync(id, KnowledgeSyncStore.FullMark, KnowledgeMarks.Full, cancellationToken).ConfigureAwait(false);
        }

        return sync;
    }

    /// <summary>A full pass now; null when there is no such sync, the sync itself (unchanged) when it is paused.</summary>
    public async Task<KnowledgeSyncResult> RunNowAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken).ConfigureAwait(false) is not { } sync)
        {
            return KnowledgeSyncResult.Missing;
        }

        if (sync.State != KnowledgeSyncState.Active)
        {
            return new(null, [("state", "The sync is paused: resume it (POST …/resume), which also runs a full pass.")]);
        }

        await store.MarkAsync(id, KnowledgeSyncStore.FullMark, KnowledgeMarks.Full, cancellationToken).ConfigureAwait(false);
        return new(sync);
    }

    private void Apply(KnowledgeSyncRow sync, KnowledgeSyncInput input, string baseUrl)
    {
        sync.Name = input.Name;
        sync.App = input.App;
        sync.Assistant = input.Assistant;
        sync.DifyBaseUrl = baseUrl;
        sync.DatasetKeyProtected = secrets.Protect(input.ApiKey!);
        sync.DifyRequestsPerMinute = input.RequestsPerMinute;
        sync.IncludeRestricted = input.IncludeRestricted;
        sync.IntervalSeconds = input.IntervalSeconds;
        sync.State = input.Paused ? KnowledgeSyncState.Paused : KnowledgeSyncState.Active;
    }

    /// <summary>The live checks: the assistant named, the app seeing the space, the key opening the knowledge base.</summary>
    private async Task<(string? BaseUrl, List<(string Field, string Message)> Problems)> CheckAsync(KnowledgeSyncInput input, string key, CancellationToken cancellationToken)
    {
        var problems = new List<(string Field, string Message)>();
        var baseUrl = input.DifyBaseUrl;
        if (input.Assistant is { } name)
        {
            // A Hub composed without the assistants (a test host) has none to name.
            if (assistants is null || await assistants.DefinitionAsync(name, cancellationToken).ConfigureAwait(false) is not { } assistant)
            {
                problems.Add(("assistant", $"There is no assistant '{name}' (GET /api/v1/assistants lists them)."));
            }
            else if (assistant.Backend != "dify")
            {
                problems.Add(("assistant", $"Assistant '{name}' answers with {assistant.Backend}, not Dify: a Dify knowledge base serves a Dify app."));
            }
            else
            {
                baseUrl ??= assistant.BaseUrl;
            }
        }

        if (baseUrl is null)
        {
            problems.Add(("dify.base_url", "Required unless an assistant on Dify is named: Dify's service API with its /v1, such as https://api.dify.ai/v1."));
        }
        else if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            problems.Add(("dify.base_url", $"'{baseUrl}' is not an absolute http(s) URL: give Dify's service API with its /v1, such as https://api.dify.ai/v1."));
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        await CheckSpaceAsync(input, problems, cancellationToken).ConfigureAwait(false);
        await CheckKnowledgeBaseAsync(baseUrl!, key, input, problems, cancellationToken).ConfigureAwait(false);
        return (baseUrl, problems);
    }

    private async Task CheckSpaceAsync(KnowledgeSyncInput input, List<(string Field, string Message)> problems, CancellationToken cancellationToken)
    {
        FeishuClient feishu;
        try
        {
            feishu = await apps.GetClientAsync(input.App, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            problems.Add(("app", $"There is no Feishu app '{(input.App.Length == 0 ? "default" : input.App)}' (GET /api/v1/apps lists them)."));
            return;
        }

        try
        {
            await feishu.Docs.Wiki.GetSpaceAsync(input.SpaceId, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (ex.Code is FeishuErrorCodes.WikiNotFound or FeishuErrorCodes.WikiPermissionDenied)
        {
            problems.Add(("space_id", $"The app cannot see wiki space {input.SpaceId} (Feishu code {ex.Code}): add the app to the space as a member (the space's settings → members), or check the id (the digits in the space's settings link)."));
        }
        catch (FeishuApiException ex)
        {
            problems.Add(("space_id", $"Feishu did not show wiki space {input.SpaceId}: code {ex.Code}, {ex.ErrorMessage}."));
        }
        catch (ArgumentException ex)
        {
            problems.Add(("space_id", ex.Message));
        }
    }

    private async Task CheckKnowledgeBaseAsync(string baseUrl, string key, KnowledgeSyncInput input, List<(string Field, string Message)> problems, CancellationToken cancellationToken)
    {
        if (key.StartsWith("app-", StringComparison.Ordinal))
        {
            problems.Add(("dify.api_key", "This is an app's key (app-…): give the knowledge API key (Dify → Knowledge → API → API key, dataset-…)."));
            return;
        }

        try
        {
            var dify = clients.Create(baseUrl, key, input.RequestsPerMinute);
            await dify.GetDatasetAsync(input.DatasetId, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            problems.Add(("dify", ex.Message));
        }
        catch (DifyKnowledgeException ex) when (ex.Kind == DifyKnowledgeErrorKind.Unauthorized)
        {
            problems.Add(("dify.api_key", "Dify refused the key: give the knowledge API key (Dify → Knowledge → API → API key, dataset-…), not an app's key."));
        }
        catch (DifyKnowledgeException ex) when (ex.Kind == DifyKnowledgeErrorKind.NotFound)
        {
            problems.Add(("dify.dataset_id", $"Dify has no knowledge base {input.DatasetId} for this key: take the id from the knowledge base's URL (/datasets/<id>/documents)."));
        }
        catch (DifyKnowledgeException ex)
        {
            problems.Add(("dify.base_url", $"Dify did not show knowledge base {input.DatasetId} ({ex.HttpStatus} {ex.Code}): {ex.Message}"));
        }
    }

    [LoggerMessage(EventId = Platform.LogEvents.KnowledgeSyncChanged, Level = LogLevel.Information, Message = "Knowledge sync {SyncId} {Change}: wiki space {SpaceId} → Dify knowledge base {DatasetId}.")]
    private static partial void LogChanged(ILogger logger, string syncId, string change, string spaceId, string datasetId);
}
