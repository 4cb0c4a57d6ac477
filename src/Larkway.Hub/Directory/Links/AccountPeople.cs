using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Units;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory.Links;

/// <summary>
/// The one way the Hub tells which person of the directory is behind a platform's account, wherever it names who did
/// something (who asks the assistant, who pressed a notification's button): the person the account is linked to, else the
/// person whose open_id under that app the directory holds (kept per app, so another platform's app finds none there),
/// else — <see cref="MatchAsync"/> — the person the platform's contacts name: its emails, else its mobile number. When
/// exactly one active person has them, the account is linked to that person (source <c>email</c> or <c>mobile</c>, as a
/// notification's lookup links it), so every later look-up is the link without asking the platform again. When two
/// people match — or the one matched has an administrator's link to another account there — nothing is guessed: the
/// account is held for an administrator (<see cref="PersonLinkConflicts"/>), so two people are never merged silently;
/// one the administrator dismissed stays unlinked. An account no one matches is remembered for
/// <see cref="AccountPeopleOptions.UnmatchedLifetime"/> (per replica), so a stranger's messages do not each cost a call to
/// the platform. The platforms answer through their rooms' <see cref="IPlatformAccounts"/>; nothing here names one.
/// </summary>
internal sealed partial class AccountPeople : IDisposable
{
    /// <summary>How long a platform that could not be asked is left alone for an account.</summary>
    private static readonly TimeSpan UnavailableBackOff = TimeSpan.FromMinutes(1);

    private readonly PlatformPieces<IPlatformAccounts> _platforms;
    private readonly PersonLinkStore _links;
    private readonly PersonLinkConflicts _conflicts;
    private readonly PeopleStore? _people;
    private readonly IOptions<AccountPeopleOptions> _options;
    private readonly ILogger _logger;
    private readonly MemoryCache _unmatched;

    public AccountPeople(
        PlatformPieces<IPlatformAccounts> platforms, PersonLinkStore links, PersonLinkConflicts conflicts, IOptions<AccountPeopleOptions> options, ILogger<AccountPeople> logger, PeopleStore? people = null)
    {
        _platforms = platforms;
        _links = links;
        _conflicts = conflicts;
        _people = people;
        _options = options;
        _logger = logger;
        _unmatched = new MemoryCache(new MemoryCacheOptions { SizeLimit = 100_000 });
    }

    /// <summary>
    /// The person behind account <paramref name="userId"/> of Hub app <paramref name="app"/> (its name as stored or on the
    /// wire) on <paramref name="platform"/>: linked, known by the directory's open_id, or matched now by the platform's
    /// contacts (then linked); null when no one is.
    /// </summary>
    public async Task<string?> PersonOfAsync(string platform, string app, string userId, CancellationToken cancellationToken)
    {
        if (userId.Length == 0)
        {
            return null;
        }

        var stored = Apps.HubAppService.NameInStore(app);
        return await _links.PersonOfAsync(platform, stored, userId, cancellationToken).ConfigureAwait(false)
            ?? (_people is null ? null : (await _people.FindByOpenIdAsync(stored, userId, cancellationToken).ConfigureAwait(false))?.Id)
            ?? await MatchAsync(platform, stored, userId, cancellationToken).ConfigureAwait(false);
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

        var match = contact is null ? ContactMatch.None : await PersonOfAsync(contact, cancellationToken).ConfigureAwait(false);
        if (match.Candidates.Count > 1)
        {
            await HoldAsync(platform, app, userId, match.Source == PersonLinkSource.Email ? PersonLinkConflictReason.SeveralByEmail : PersonLinkConflictReason.SeveralByMobile, match.Candidates, cancellationToken)
                .ConfigureAwait(false);
        }

        if (match.Candidates.Count != 1 || await _conflicts.IsDismissedAsync(platform, app, userId, cancellationToken).ConfigureAwait(false))
        {
            Remember(key, _options.Value.UnmatchedLifetime);
            return null;
        }

        var (personId, source) = (match.Candidates[0], match.Source!);

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
                // An administrator linked another account of this person under the app: theirs is the account to trust,
                // and this one waits for an administrator to say whose it is.
                LogKept(_logger, personId, platform, app);
                await HoldAsync(platform, app, userId, PersonLinkConflictReason.PersonLinkedElsewhere, [personId], cancellationToken).ConfigureAwait(false);
                Remember(key, _options.Value.UnmatchedLifetime);
                return null;
        }
    }

    /// <summary>The active people with one of the contact's emails, else with its mobile number; by which.</summary>
    private async Task<ContactMatch> PersonOfAsync(PlatformContact contact, CancellationToken cancellationToken)
    {
        var emails = contact.Emails.Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Contains('@', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var byEmail = await _links.ActivePersonIdsByEmailsAsync(emails, cancellationToken).ConfigureAwait(false);
        if (byEmail.Count > 0)
        {
            return new(byEmail, PersonLinkSource.Email);
        }

        var mobiles = contact.Mobile is { Length: > 0 } mobile ? MobileForms(mobile).ToList() : [];
        var byMobile = await _links.ActivePersonIdsByMobilesAsync(mobiles, cancellationToken).ConfigureAwait(false);
        return byMobile.Count > 0 ? new(byMobile, PersonLinkSource.Mobile) : ContactMatch.None;
    }

    /// <summary>Holds the account for an administrator; says so once, when it is newly held.</summary>
    private async Task HoldAsync(string platform, string app, string userId, string reason, IReadOnlyList<string> candidates, CancellationToken cancellationToken)
    {
        if (await _conflicts.HoldAsync(platform, app, userId, reason, candidates, cancellationToken).ConfigureAwait(false))
        {
            LogHeld(_logger, platform, app, candidates.Count, reason);
        }
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

    [LoggerMessage(EventId = LogEvents.AssistantSenderAmbiguous, Level = LogLevel.Warning, Message = "A {Platform} account of app {App} matches {Candidates} people of the directory ({Reason}); it stays unlinked until an administrator decides (the console's Directory page, or GET /api/v1/directory/link-conflicts)")]
    private static partial void LogHeld(ILogger logger, string platform, string app, int candidates, string reason);

    [LoggerMessage(EventId = LogEvents.AssistantSenderLinkKept, Level = LogLevel.Debug, Message = "A {Platform} account of app {App} matches person {PersonId}, whom an administrator linked to another account there; the account stays unknown")]
    private static partial void LogKept(ILogger logger, string personId, string platform, string app);

    [LoggerMessage(EventId = LogEvents.AssistantSenderLookupUnavailable, Level = LogLevel.Warning, Message = "The {Platform} contacts of app {App} could not tell who a sender is: {Reason}; the account stays unknown for now")]
    private static partial void LogUnavailable(ILogger logger, string platform, string app, string reason);
}

/// <summary>The people a platform contact's email (else mobile number) names, and by which (<see cref="PersonLinkSource"/>).</summary>
internal sealed record ContactMatch(IReadOnlyList<string> Candidates, string? Source)
{
    /// <summary>No one.</summary>
    public static ContactMatch None { get; } = new([], null);
}

/// <summary>How long <see cref="AccountPeople"/> remembers an account no one matched (the assistants' <c>SenderLookupCacheLifetime</c> sets it).</summary>
internal sealed class AccountPeopleOptions
{
    /// <summary>How long an account no one matched is not looked up again (per replica); zero: looked up every time.</summary>
    public TimeSpan UnmatchedLifetime { get; set; } = TimeSpan.FromHours(1);
}
