using System.Collections.Concurrent;
using Larkway.Feishu;
using Larkway.Feishu.Im;

namespace Larkway.Hub.Notifications;

/// <summary>
/// Resolves email recipients to open_ids with contact <c>batch_get_id</c>, so that an unknown (or resigned) address
/// fails at once with a clear reason instead of a send error. Answers are cached
/// (found: an hour; not found: five minutes, so a newly added employee is found soon) and refreshed when they expire.
/// Other recipient kinds are sent as given.
/// </summary>
internal sealed class ContactRecipientResolver(FeishuClient client, TimeProvider time) : IRecipientResolver
{
    private static readonly TimeSpan FoundLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan NotFoundLifetime = TimeSpan.FromMinutes(5);

    private readonly DirectRecipientResolver _direct = new();
    private readonly ConcurrentDictionary<string, CachedLookup> _cache = new(StringComparer.Ordinal);

    public async ValueTask<ReceiveId> ResolveAsync(NotificationRecipient recipient, CancellationToken cancellationToken)
    {
        if (recipient.Type != "email")
        {
            return await _direct.ResolveAsync(recipient, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(recipient.Value, out var cached) || cached.ExpiresAt <= now)
        {
            var found = await client.Contact.Users.BatchGetIdsAsync(emails: [recipient.Value], cancellationToken: cancellationToken).ConfigureAwait(false);
            var openId = found.FirstOrDefault(f => string.Equals(f.Email, recipient.Value, StringComparison.OrdinalIgnoreCase))?.UserId;
            cached = new CachedLookup(openId, now + (openId is null ? NotFoundLifetime : FoundLifetime));
            _cache[recipient.Value] = cached;
        }

        return cached.OpenId is { } id
            ? ReceiveId.OpenId(id)
            : throw new RecipientNotFoundException($"No active Feishu user has the email '{recipient.Value}', or the app's contact scope does not include them.");
    }

    private sealed record CachedLookup(string? OpenId, DateTimeOffset ExpiresAt);
}

/// <summary>A recipient Feishu does not know: failed for good (retrying would not find them).</summary>
internal sealed class RecipientNotFoundException(string message) : Exception(message)
{
    /// <summary>The code the status API reports for it (negative: not a Feishu code).</summary>
    public const int Code = -100;
}
