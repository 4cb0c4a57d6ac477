using Larkway.Hub.Platform.Units;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Assistants.Configuration;

/// <summary>
/// Adds, lists, changes and removes the Hub's assistants. The backend key goes in protected
/// (<see cref="HubSecretProtector"/>) and comes out only as <see cref="AssistantDefinition"/>, for the router.
/// </summary>
internal sealed partial class AssistantService(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    HubSecretProtector protector,
    HubAppService apps,
    TimeProvider time,
    ILogger<AssistantService> logger,
    PlatformPieces<IAssistantSettingsCheck>? platformChecks = null)
{
    private long _changes;

    /// <summary>
    /// How many changes (create, update, delete) this process has stored: a cache of assistants loaded at another count is
    /// out of date at once. Another replica's change is seen when such a cache's lifetime ends.
    /// </summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>Every assistant, by name.</summary>
    public async Task<IReadOnlyList<AssistantInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Assistants.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            var answerers = AssistantPrecedence.Answerers(rows);
            return [.. rows.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => Info(r, answerers))];
        }
    }

    /// <summary>
    /// Up to <paramref name="take"/> + 1 assistants by name after <paramref name="after"/> (keyset); whether each answers
    /// on its apps depends on all the others, which are read for that (assistants are few).
    /// </summary>
    public async Task<IReadOnlyList<AssistantInfo>> ListPageAsync(string? after, int take, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var answerers = AssistantPrecedence.Answerers(await db.Assistants.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false));
            var rows = db.Assistants.AsNoTracking();
            if (after is not null)
            {
                rows = rows.Where(r => string.Compare(r.Name, after) > 0);
            }

            var page = await rows.OrderBy(r => r.Name).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. page.Select(r => Info(r, answerers))];
        }
    }

    /// <summary>Per app, the enabled assistant that answers there (<see cref="AssistantPrecedence"/>).</summary>
    public async Task<IReadOnlyDictionary<string, string>> AnswerersAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return AssistantPrecedence.Answerers(await db.Assistants.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>One assistant, or null.</summary>
    public async Task<AssistantInfo?> GetAsync(string name, CancellationToken cancellationToken)
    {
        // Whether it answers on each of its apps depends on the others: assistants are few, so all are read.
        var all = await ListAsync(cancellationToken).ConfigureAwait(false);
        return all.FirstOrDefault(a => a.Name == name);
    }

    /// <summary>
    /// The enabled assistants that name <paramref name="app"/>, key in clear, for the router: the one that answers first
    /// (<see cref="AssistantPrecedence"/>; more than one only where an overlap was stored before overlaps were refused).
    /// </summary>
    public async Task<IReadOnlyList<AssistantDefinition>> ForAppAsync(string app, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Assistants.AsNoTracking().Where(a => a.Enabled).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. AssistantPrecedence.InOrder(rows.Where(r => SplitApps(r.Apps).Contains(app, StringComparer.Ordinal))).Select(Definition).Where(d => d.Enabled)];
        }
    }

    /// <summary>One assistant's definition, key in clear, or null.</summary>
    public async Task<AssistantDefinition?> DefinitionAsync(string name, CancellationToken cancellationToken)
    {
        var row = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        return row is null ? null : Definition(row);
    }

    /// <summary>Adds an assistant.</summary>
    public async Task<AssistantChange> CreateAsync(AssistantInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var name = input.Name ?? "";
        var definition = new AssistantDefinition
        {
            Name = name,
            DisplayName = input.DisplayName ?? name,
            Backend = input.Backend ?? "",
            BaseUrl = input.BaseUrl ?? "",
            ApiKey = input.ApiKey ?? "",
            Model = Blank(input.Model),
            SystemPrompt = Blank(input.SystemPrompt),
            Apps = [.. (input.Apps ?? []).Where(a => a is not null)],
            Policy = (input.Policy ?? new()).Normalized(),
            Sessions = (input.Sessions ?? new()).Normalized(),
            Masking = (input.Masking ?? new()).Normalized(),
            Streaming = input.Streaming ?? new(),
            Enabled = input.Enabled ?? true,
        };
        var problems = AssistantValidation.Check(definition, await AppNamesAsync(cancellationToken).ConfigureAwait(false), platformChecks?.Each);
        if (problems.Count > 0)
        {
            return new(AssistantChangeStatus.Invalid, null, problems);
        }

        var now = time.GetUtcNow();
        var row = new AssistantRow { Name = name, CreatedAt = now };
        Write(row, definition, now);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var others = await db.Assistants.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            if (others.Any(o => o.Name == name))
            {
                return Taken(name);
            }

            var overlaps = AssistantPrecedence.Overlaps(definition, null, others);
            if (overlaps.Count > 0)
            {
                return new(AssistantChangeStatus.Overlap, null, overlaps);
            }

            db.Assistants.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                return Taken(name);
            }

            Interlocked.Increment(ref _changes);
            LogCreated(logger, name, definition.Backend);
            return new(AssistantChangeStatus.Ok, Info(row, AssistantPrecedence.Answerers([.. others, row])), []) { ApiKey = AuditSecret.Describe(null, definition.ApiKey) };
        }
    }

    /// <summary>Changes an assistant: what <paramref name="input"/> leaves null is kept.</summary>
    public async Task<AssistantChange> UpdateAsync(string name, AssistantInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Assistants.SingleOrDefaultAsync(a => a.Name == name, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return new(AssistantChangeStatus.NotFound, null, [new("name", $"no assistant is named '{name}'.")]);
            }

            if (input.Name is not null && input.Name != name)
            {
                return new(AssistantChangeStatus.Invalid, null, [new("name", "cannot change: an assistant keeps its name (its sessions and turns are filed under it). Add a new one instead.")]);
            }

            var stored = Definition(row);
            var backend = input.Backend ?? stored.Backend;
            var definition = stored with
            {
                DisplayName = input.DisplayName ?? stored.DisplayName,
                Backend = backend,
                BaseUrl = input.BaseUrl ?? stored.BaseUrl,
                ApiKey = input.ApiKey ?? stored.ApiKey,

                // Switching the backend drops what only the other one uses, unless the change sets it again.
                Model = input.Model is not null ? Blank(input.Model) : backend == stored.Backend ? stored.Model : null,
                SystemPrompt = input.SystemPrompt is not null ? Blank(input.SystemPrompt) : backend == stored.Backend ? stored.SystemPrompt : null,
                Apps = input.Apps is null ? stored.Apps : [.. input.Apps.Where(a => a is not null)],
                Policy = input.Policy?.Normalized() ?? stored.Policy,
                Sessions = input.Sessions?.Normalized() ?? stored.Sessions,
                Masking = input.Masking?.Normalized() ?? stored.Masking,
                Streaming = input.Streaming ?? stored.Streaming,
                Enabled = input.Enabled ?? stored.Enabled,
            };
            var problems = AssistantValidation.Check(definition, await AppNamesAsync(cancellationToken).ConfigureAwait(false), platformChecks?.Each);
            if (KeyLeftBehind(stored, definition, input) is { } leftBehind)
            {
                problems.Add(leftBehind);
            }

            if (problems.Count > 0)
            {
                return new(AssistantChangeStatus.Invalid, null, problems);
            }

            var others = await db.Assistants.AsNoTracking().Where(a => a.Name != name).ToListAsync(cancellationToken).ConfigureAwait(false);
            var overlaps = AssistantPrecedence.Overlaps(definition, row, others);
            if (overlaps.Count > 0)
            {
                return new(AssistantChangeStatus.Overlap, null, overlaps);
            }

            Write(row, definition, time.GetUtcNow());
            if (!await db.SaveUnlessDeletedAsync(cancellationToken).ConfigureAwait(false))
            {
                return new(AssistantChangeStatus.NotFound, null, [new("name", $"no assistant is named '{name}'.")]);
            }

            Interlocked.Increment(ref _changes);
            LogUpdated(logger, name);
            return new(AssistantChangeStatus.Ok, Info(row, AssistantPrecedence.Answerers([.. others, row])), []) { ApiKey = AuditSecret.Describe(stored.ApiKey, definition.ApiKey) };
        }
    }

    /// <summary>Removes an assistant with its sessions, turns and feedback; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var deleted = await db.Assistants.Where(a => a.Name == name).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
            if (deleted)
            {
                Interlocked.Increment(ref _changes);
                LogDeleted(logger, name);
            }

            return deleted;
        }
    }

    /// <summary>
    /// A new <c>base_url</c> (the one endpoint that receives the key) with a stored key and no key in the change: the stored
    /// key is never sent to a new endpoint, so whoever may change the URL cannot collect it there. Any change of the URL
    /// counts, path included (a shared host may serve several tenants by path).
    /// </summary>
    private static AssistantProblem? KeyLeftBehind(AssistantDefinition stored, AssistantDefinition changed, AssistantInput input) =>
        input.ApiKey is null && stored.ApiKey.Length > 0 && !string.Equals(stored.BaseUrl, changed.BaseUrl, StringComparison.Ordinal)
            ? new("api_key", "must be given again with a new base_url: the stored key is not sent to another endpoint (send \"\" for none).")
            : null;

    private async Task<AssistantRow?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Assistants.AsNoTracking().SingleOrDefaultAsync(a => a.Name == name, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyCollection<string>> AppNamesAsync(CancellationToken cancellationToken) =>
        [.. (await apps.ListAsync(cancellationToken).ConfigureAwait(false)).Select(a => a.Name)];

    private void Write(AssistantRow row, AssistantDefinition d, DateTimeOffset now)
    {
        row.DisplayName = d.DisplayName;
        row.Backend = d.Backend;
        row.BaseUrl = d.BaseUrl;
        row.ApiKey = protector.Protect(d.ApiKey);
        row.Model = d.Model;
        row.SystemPrompt = d.SystemPrompt;
        row.Apps = string.Join(',', d.Apps.Distinct(StringComparer.Ordinal));
        row.Policy = System.Text.Json.JsonSerializer.Serialize(d.Policy, AssistantJsonContext.Default.AssistantPolicy);
        row.Sessions = System.Text.Json.JsonSerializer.Serialize(d.Sessions, AssistantJsonContext.Default.AssistantSessionSettings);
        row.Masking = System.Text.Json.JsonSerializer.Serialize(d.Masking, AssistantJsonContext.Default.AssistantMaskingSettings);
        row.Streaming = System.Text.Json.JsonSerializer.Serialize(d.Streaming, AssistantJsonContext.Default.AssistantStreamingSettings);
        row.Enabled = d.Enabled;
        row.UpdatedAt = now;
    }

    /// <summary>
    /// The row as the router uses it. A policy that no longer reads fails closed: the assistant is off until it is saved
    /// again (its defaults would let everyone in); the other documents fall back to their defaults, which mask everything.
    /// </summary>
    private AssistantDefinition Definition(AssistantRow row)
    {
        var policyReads = AssistantJsonContext.TryRead(row.Policy, AssistantJsonContext.Default.AssistantPolicy, out var policy);
        return new()
        {
            Name = row.Name,
            DisplayName = row.DisplayName,
            Backend = row.Backend,
            BaseUrl = row.BaseUrl,
            ApiKey = protector.Unprotect(row.ApiKey),
            Model = row.Model,
            SystemPrompt = row.SystemPrompt,
            Apps = SplitApps(row.Apps),
            Policy = policyReads ? policy.Normalized() : policy,
            Sessions = AssistantJsonContext.Read(row.Sessions, AssistantJsonContext.Default.AssistantSessionSettings),
            Masking = AssistantJsonContext.Read(row.Masking, AssistantJsonContext.Default.AssistantMaskingSettings),
            Streaming = AssistantJsonContext.Read(row.Streaming, AssistantJsonContext.Default.AssistantStreamingSettings),
            Enabled = row.Enabled && policyReads,
            UpdatedAt = row.UpdatedAt,
        };
    }

    private static AssistantChange Taken(string name) =>
        new(AssistantChangeStatus.Conflict, null, [new("name", $"an assistant named '{name}' exists: change it with PATCH /api/v1/assistants/{name}, or pick another name.")]);

    private static AssistantInfo Info(AssistantRow row, IReadOnlyDictionary<string, string> answerers) => new(
        row.Name,
        row.DisplayName,
        row.Backend,
        row.BaseUrl,
        !string.IsNullOrEmpty(row.ApiKey),
        row.Model,
        row.SystemPrompt,
        SplitApps(row.Apps),
        AssistantJsonContext.Read(row.Policy, AssistantJsonContext.Default.AssistantPolicy),
        AssistantJsonContext.Read(row.Sessions, AssistantJsonContext.Default.AssistantSessionSettings),
        AssistantJsonContext.Read(row.Masking, AssistantJsonContext.Default.AssistantMaskingSettings),
        AssistantJsonContext.Read(row.Streaming, AssistantJsonContext.Default.AssistantStreamingSettings),
        row.Enabled,
        row.CreatedAt,
        row.UpdatedAt)
    {
        NotAnswering = AssistantPrecedence.NotAnswering(row, answerers),
    };

    private static string[] SplitApps(string apps) => apps.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = LogEvents.AssistantCreated, Level = LogLevel.Information, Message = "Assistant '{Assistant}' ({Backend}) added.")]
    private static partial void LogCreated(ILogger logger, string assistant, string backend);

    [LoggerMessage(EventId = LogEvents.AssistantUpdated, Level = LogLevel.Information, Message = "Assistant '{Assistant}' changed.")]
    private static partial void LogUpdated(ILogger logger, string assistant);

    [LoggerMessage(EventId = LogEvents.AssistantDeleted, Level = LogLevel.Information, Message = "Assistant '{Assistant}' removed with its sessions and turns.")]
    private static partial void LogDeleted(ILogger logger, string assistant);
}
