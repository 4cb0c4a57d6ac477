using Larkway.Hub.Platform.Units;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Tells which person of the directory an unlinked account is, from what its platform's contacts give: its emails, else
/// its mobile number. When exactly one active person has them, the account is linked to that person (source
/// <c>email</c> or <c>mobile</c>, as a notification's lookup links it), so every later message is known from the link
/// without asking the platform again. When two people match, nothing is guessed: the sender stays a guest. An account
/// no one matches is remembered for <see cref="AssistantOptions.SenderLookupCacheLifetime"/> (per replica), so a guest's
/// messages do not each cost a call to the platform.
/// </summary>
internal sealed partial class AssistantSenderMatching : IDisposable
{
    /// <summary>How long a platform that could not be asked is left alone for an account.</summary>
    private static readonly TimeSpan UnavailableBackOff = TimeSpan.FromMinutes(1);

    private readonly PlatformPieces<IPlatformAccounts> _platforms;
    private readonly PersonLinkStore _links;
    private readonly IOptions<AssistantOptions> _options;
    private readonly ILogger _logger;
    private readonly MemoryCache _unmatched;

    public AssistantSenderMatching(PlatformPieces<IPlatformAccounts> platforms, PersonLinkStore links, IOptions<AssistantOptions> options, ILogger<AssistantSenderMatching> logger)
    {
        _platforms = platforms;
        _links = links;
        _options = options;
        _logger = logger;
        _unmatched = new MemoryCache(new MemoryCacheOptions { SizeLimit = 100_000 });
    }

    /// <summary>The person account <paramref name="userId"/> of <paramref name="app"/> on <paramref name="platform"/> is, now linked to them; or null.</summary>
    public async Task<string?> MatchAsync(string platform, string app, string userId, CancellationToken cancellationToken)
    {
        if (_platforms.Find(platform) is not { } accounts || userId.Length == 0)
        {
            return null;
        }

        var key = $"{platform}\n{app}\n{userId}";
        if (_unmatched.TryGetValue(key, out _))
        {
            return null;
        }

        PlatformContact? contact;
        try
        {
            contact = await accounts.ContactAsync(app, userId, cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformAccountsUnavailableException ex)
        {
            LogUnavailable(_logger, platform, app, ex.Message);
            Remember(key, UnavailableBackOff);
            return null;
        }

        var (personId, source) = contact is null ? (null, null) : await PersonOfAsync(platform, app, contact, cancellationToken).ConfigureAwait(false);
        if (personId is null || source is null)
        {
            Remember(key, _options.Value.SenderLookupCacheLifetime);
            return null;
        }

        var outcome = await _links.LinkAsync(personId, platform, app, userId, source, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case PersonLinkOutcome.Linked or PersonLinkOutcome.Unchanged:
                LogMatched(_logger, personId, platform, app, source);
                return personId;
            case PersonLinkOutcome.TakenByOther:
                // Linked a moment ago (another message, another replica): the link stands, whoever made it.
                return await _links.PersonOfAsync(platform, app, userId, cancellationToken).ConfigureAwait(false);
            default:
                // An administrator linked another account of this person under the app: theirs is the account to trust.
                LogKept(_logger, personId, platform, app);
                Remember(key, _options.Value.SenderLookupCacheLifetime);
                return null;
        }
    }

    /// <summary>The one active person with one of the contact's emails, else with its mobile number; null when none or several.</summary>
    private async Task<(string? PersonId, string? Source)> PersonOfAsync(string platform, string app, PlatformContact contact, CancellationToken cancellationToken)
    {
        var emails = contact.Emails.Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Contains('@', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var byEmail = await _links.ActivePersonIdsByEmailsAsync(emails, cancellationToken).ConfigureAwait(false);
        if (byEmail.Count > 1)
        {
            LogAmbiguous(_logger, platform, app, "email");
            return (null, null);
        }

        if (byEmail.Count == 1)
        {
            return (byEmail[0], PersonLinkSource.Email);
        }

        var mobiles = contact.Mobile is { Length: > 0 } mobile ? MobileForms(mobile).ToList() : [];
        var byMobile = await _links.ActivePersonIdsByMobilesAsync(mobiles, cancellationToken).ConfigureAwait(false);
        if (byMobile.Count > 1)
        {
            LogAmbiguous(_logger, platform, app, "mobile number");
            return (null, null);
        }

        return byMobile.Count == 1 ? (byMobile[0], PersonLinkSource.Mobile) : (null, null);
    }

    /// <summary>
    /// The forms a platform's mobile number may be stored under in the directory (Feishu's <c>+86…</c>): a number without
    /// a country code (mainland platforms give it so) also as <c>+86</c> and the number; a <c>+86</c> number also without.
    /// </summary>
    internal static IEnumerable<string> MobileForms(string mobile)
    {
        var trimmed = mobile.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (trimmed.Length == 0)
        {
            yield break;
        }

        yield return trimmed;
        if (trimmed.StartsWith("+86", StringComparison.Ordinal))
        {
            yield return trimmed[3..];
        }
        else if (!trimmed.StartsWith('+'))
        {
            yield return "+86" + trimmed;
        }
    }

    private void Remember(string key, TimeSpan lifetime)
    {
        if (lifetime > TimeSpan.Zero)
        {
            _unmatched.Set(key, true, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });
        }
    }

    public void Dispose() => _unmatched.Dispose();

    [LoggerMessage(EventId = LogEvents.AssistantSenderMatched, Level = LogLevel.Information, Message = "A {Platform} account of app {App} was linked to person {PersonId} by its {Source}, as the platform's contacts give it")]
    private static partial void LogMatched(ILogger logger, string personId, string platform, string app, string source);

    [LoggerMessage(EventId = LogEvents.AssistantSenderAmbiguous, Level = LogLevel.Debug, Message = "A {Platform} account of app {App} matches several people of the directory by {By}; answered as a guest")]
    private static partial void LogAmbiguous(ILogger logger, string platform, string app, string by);

    [LoggerMessage(EventId = LogEvents.AssistantSenderLinkKept, Level = LogLevel.Debug, Message = "A {Platform} account of app {App} matches person {PersonId}, whom an administrator linked to another account there; answered as a guest")]
    private static partial void LogKept(ILogger logger, string personId, string platform, string app);

    [LoggerMessage(EventId = LogEvents.AssistantSenderLookupUnavailable, Level = LogLevel.Warning, Message = "The {Platform} contacts of app {App} could not tell who a sender is: {Reason}; answered as a guest for now")]
    private static partial void LogUnavailable(ILogger logger, string platform, string app, string reason);
}
