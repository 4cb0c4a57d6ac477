using System.Collections.Concurrent;
using Larkway.Feishu;
using Larkway.Feishu.Approval;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Approval definitions per app and code, cached for <see cref="ApprovalOptions.DefinitionCacheLifetime"/> (their forms
/// check every request before anything is created), and the app's subscription to each code's events, made once per
/// process (Feishu answers 1390007 when it already exists, which the client treats as success).
/// </summary>
internal sealed partial class ApprovalDefinitions(IFeishuClientFactory apps, IOptions<ApprovalOptions> options, TimeProvider time, ILogger<ApprovalDefinitions> logger)
{
    private readonly ConcurrentDictionary<string, CachedDefinition> _definitions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _subscribed = new(StringComparer.Ordinal);

    /// <summary>The definition; throws what the client throws (1390002 for an unknown code).</summary>
    public async Task<ApprovalDefinition> GetAsync(string? app, string approvalCode, CancellationToken cancellationToken)
    {
        var key = Key(app, approvalCode);
        var now = time.GetUtcNow();
        if (_definitions.TryGetValue(key, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Definition;
        }

        var client = await apps.GetClientAsync(app ?? "", cancellationToken).ConfigureAwait(false);
        var definition = await client.Approval.Definitions.GetAsync(approvalCode, cancellationToken: cancellationToken).ConfigureAwait(false);
        _definitions[key] = new CachedDefinition(definition, time.GetUtcNow() + options.Value.DefinitionCacheLifetime);
        return definition;
    }

    /// <summary>
    /// Subscribes the app to the code's instance and task events, once per process. A failure is logged and tried again
    /// with the next approval; until then reconciliation finds the outcomes.
    /// </summary>
    public async Task EnsureSubscribedAsync(string? app, string approvalCode, CancellationToken cancellationToken)
    {
        var key = Key(app, approvalCode);
        if (_subscribed.ContainsKey(key))
        {
            return;
        }

        try
        {
            var client = await apps.GetClientAsync(app ?? "", cancellationToken).ConfigureAwait(false);
            await client.Approval.Definitions.SubscribeAsync(approvalCode, cancellationToken).ConfigureAwait(false);
            _subscribed[key] = true;
        }
        catch (Exception ex) when (ex is FeishuApiException or HttpRequestException or TimeoutException or HubAppNotFoundException)
        {
            LogSubscribeFailed(logger, ex, approvalCode, HubAppService.NameOnWire(app));
        }
    }

    private static string Key(string? app, string approvalCode) => (app ?? "") + "\n" + approvalCode;

    private sealed record CachedDefinition(ApprovalDefinition Definition, DateTimeOffset ExpiresAt);

    [LoggerMessage(EventId = LogEvents.ApprovalDefinitionsSubscribeFailed, Level = LogLevel.Warning, Message = "Could not subscribe app '{App}' to approval {ApprovalCode}; its events may not arrive (reconciliation still finds outcomes). Tried again with the next approval.")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string approvalCode, string app);
}
