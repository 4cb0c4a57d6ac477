using System.Collections.Concurrent;
using Larkway.Feishu;
using Larkway.Feishu.Contact;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Directory;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Hub.Feishu.Recipients;

/// <summary>
/// Resolves email recipients to open_ids: the directory first (when the Hub keeps one) — emails and enterprise emails of
/// active people, answered fresh each time, so a resignation applies at once — then contact <c>batch_get_id</c> for the
/// rest, so that an unknown (or resigned) address fails at once with a clear reason instead of a send error. An open_id
/// the API found is linked to the directory's person with that address. The API's answers are cached
/// (found: an hour; not found: five minutes, so a newly added employee is found soon) and refreshed when they expire.
/// <see cref="PrefetchAsync"/> looks up a notification's addresses 50 per call when it is accepted, so the sender
/// finds them cached. Other recipient kinds are sent as given. Each app looks up with its own client and has its own
/// cache entries: an open_id is only valid for the app that looked it up.
/// </summary>
internal sealed partial class ContactRecipientResolver(IFeishuClientFactory apps, TimeProvider time, IDirectoryLookup? directory = null, ILogger<ContactRecipientResolver>? logger = null)
    : IRecipientResolver, IEmailLookup
{
    private static readonly TimeSpan FoundLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan NotFoundLifetime = TimeSpan.FromMinutes(5);

    private readonly DirectRecipientResolver _direct = new();
    private readonly ConcurrentDictionary<string, CachedLookup> _cache = new(StringComparer.Ordinal);

    public async ValueTask<ReceiveId> ResolveAsync(string appName, NotificationRecipient recipient, CancellationToken cancellationToken)
    {
        if (recipient.Type != "email")
        {
            return await _direct.ResolveAsync(appName, recipient, cancellationToken).ConfigureAwait(false);
        }

        var found = await PrefetchAsync(appName, [recipient.Value], cancellationToken).ConfigureAwait(false);
        return found[recipient.Value] is { } id
            ? ReceiveId.OpenId(id)
            : throw new RecipientNotFoundException($"No active Feishu user has the email '{recipient.Value}', or the app's contact scope does not include them.");
    }

    /// <summary>
    /// The open_id of every address (null: no active user has it), looking up those not cached, or expired, 50 per
    /// <c>batch_get_id</c> call. Throws what the client throws (the addresses already answered stay cached).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> PrefetchAsync(string appName, IEnumerable<string> emails, CancellationToken cancellationToken)
    {
        appName = HubAppService.NameInStore(appName);
        var now = time.GetUtcNow();
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        var missing = new List<string>();
        var wanted = emails.Distinct(StringComparer.Ordinal).ToList();
        var known = await FromDirectoryAsync(appName, wanted, cancellationToken).ConfigureAwait(false);
        foreach (var email in wanted)
        {
            if (known.TryGetValue(email, out var openId))
            {
                result[email] = openId;
                continue;
            }

            if (_cache.TryGetValue(CacheKey(appName, email), out var cached) && cached.ExpiresAt > now)
            {
                result[email] = cached.OpenId;
            }
            else
            {
                missing.Add(email);
            }
        }

        var client = missing.Count == 0 ? null : await apps.GetClientAsync(appName, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in missing.Chunk(UsersClient.MaxPerLookup))
        {
            var found = await client!.Contact.Users.BatchGetIdsAsync(emails: chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
            var answeredAt = time.GetUtcNow();
            foreach (var email in chunk)
            {
                var openId = found.FirstOrDefault(f => string.Equals(f.Email, email, StringComparison.OrdinalIgnoreCase))?.UserId;
                _cache[CacheKey(appName, email)] = new CachedLookup(openId, answeredAt + (openId is null ? NotFoundLifetime : FoundLifetime));
                result[email] = openId;
                if (openId is not null && directory is not null)
                {
                    await directory.LinkByEmailAsync(appName, email, openId, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return result;
    }

    private async Task<IReadOnlyDictionary<string, string>> FromDirectoryAsync(string appName, IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        if (directory is null || emails.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        try
        {
            return await directory.ActiveOpenIdsByEmailAsync(appName, emails, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The contact API still answers: a directory that cannot be read only costs the calls it would have saved.
            LogDirectoryFailed(logger ?? NullLogger<ContactRecipientResolver>.Instance, emails.Count, ex.GetType().Name);
            return new Dictionary<string, string>();
        }
    }

    [LoggerMessage(EventId = LogEvents.ContactRecipientResolverDirectoryFailed, Level = LogLevel.Warning, Message = "Looking up {Count} recipient emails in the directory failed ({ExceptionType}); the contact API answers for them.")]
    private static partial void LogDirectoryFailed(ILogger logger, int count, string exceptionType);

    private static string CacheKey(string appName, string email) => appName + "\n" + email;

    private sealed record CachedLookup(string? OpenId, DateTimeOffset ExpiresAt);
}
