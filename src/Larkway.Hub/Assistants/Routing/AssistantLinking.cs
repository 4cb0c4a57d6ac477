using System.Globalization;
using System.Security.Cryptography;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Linking one's own account with a one-time code (<c>/link</c>): from the unlinked account the person names their work
/// email; a six-digit code goes to every account of theirs already linked, on any platform (their Feishu open_id, their
/// DingTalk and WeCom links); typing it back from the new account proves both are the same person, and the account is
/// linked. A person with no account linked anywhere is linked by an administrator in the console.
/// <para>
/// No answer tells whether an email belongs to anyone: an ask that sends nothing (no such person, or the person's limit
/// reached) runs the same statements and stores a code row that matches no code, and its delivery item, which sends
/// nothing; every code is sent by the <see cref="LinkCodeDelivery"/> queue only after the reply (<see cref="ReleaseAsync"/>).
/// So the limit, the reply, what happens before it and a code typed afterwards go as for a real person.
/// </para>
/// <para>
/// Codes are stored as an HMAC keyed from the Hub's key ring (<see cref="HubKeyedHash"/>), expire, and allow
/// <see cref="MaxAttempts"/> wrong tries, each counted by one conditional update, so tries typed at once on any number of
/// replicas count exactly once each. An account may ask for, and a person be sent,
/// <see cref="AssistantOptions.LinkCodesPerHour"/> codes an hour: the count and the insert run in one transaction holding a
/// lock on the account, then on the person (<see cref="IHubStorageProvider.LockUntilCommitAsync"/>), so asks made at once
/// cannot all see room under the limit. Rows go once they count toward no limit (<see cref="Storage.AssistantRetention"/>).
/// </para>
/// </summary>
internal sealed partial class AssistantLinking
{
    /// <summary>Wrong codes allowed per code.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The window the limits on codes count in.</summary>
    public static readonly TimeSpan LimitWindow = TimeSpan.FromHours(1);

    private const string HashPurpose = "directory-link-codes";

    private const string NoCodeWaiting = "There is no code waiting for this account (or it expired). Send /link followed by your work email to get a new one.";

    /// <summary>For every code typed once the code was closed by its wrong tries (or meanwhile, by another's): the right one too.</summary>
    private const string NoLongerWorks = "That code no longer works. Send /link followed by your work email to get a new one.";

    /// <summary>
    /// The person key counted for an email that is no one's: no person has it, so the count finds nothing, as it would for
    /// a person sent no code this hour — the same statement either way.
    /// </summary>
    private const string NoPerson = "";

    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly HubDatabaseInitializer _initializer;
    private readonly IHubStorageProvider _provider;
    private readonly PersonLinkStore _links;
    private readonly PersonPlatforms _personPlatforms;
    private readonly LinkCodeDelivery _delivery;
    private readonly IWorkQueue<WorkItemRow> _deliveries;
    private readonly WorkSignal _deliverySignal;
    private readonly HubKeyedHash _hash;
    private readonly IOptions<AssistantOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AssistantLinking(
        IDbContextFactory<HubDbContext> contexts,
        HubDatabaseInitializer initializer,
        IHubStorageProvider provider,
        PersonLinkStore links,
        PersonPlatforms personPlatforms,
        LinkCodeDelivery delivery,
        [FromKeyedServices(LinkCodeDelivery.QueueName)] IWorkQueue<WorkItemRow> deliveries,
        WorkSignals signals,
        HubKeyedHash hash,
        IOptions<AssistantOptions> options,
        TimeProvider time,
        ILogger<AssistantLinking> logger)
    {
        _contexts = contexts;
        _initializer = initializer;
        _provider = provider;
        _links = links;
        _personPlatforms = personPlatforms;
        _delivery = delivery;
        _deliveries = deliveries;
        _deliverySignal = signals.For(LinkCodeDelivery.QueueName);
        _hash = hash;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>What <c>/link</c> tells an account how to link itself.</summary>
    public string Instructions(string assistant) =>
        $"{assistant} answers members of the organisation. To link this account to yours, send /link followed by your work email "
        + $"(for example /link name@company.com); a code goes to the accounts you already linked ({_personPlatforms.DisplayedOr}), "
        + "then send /link and the code here. With no other account linked, ask an administrator to link this one in the console.";

    /// <summary>
    /// Runs <c>/link {argument}</c> from an account; returns the reply. Send it, then <see cref="ReleaseAsync"/> the answer:
    /// a code asked for goes out only then.
    /// </summary>
    public async Task<LinkAnswer> RunAsync(string assistant, string platform, string app, string userId, string? currentPerson, string argument, CancellationToken cancellationToken)
    {
        argument = argument.Trim();
        if (currentPerson is not null)
        {
            return new("This account is already linked to you; there is nothing to do.");
        }

        if (argument.Length == 0)
        {
            return new(Instructions(assistant));
        }

        if (argument.Length == 6 && argument.All(char.IsAsciiDigit))
        {
            return new(await RedeemAsync(platform, app, userId, argument, cancellationToken).ConfigureAwait(false));
        }

        if (!argument.Contains('@', StringComparison.Ordinal) || argument.Length > 254)
        {
            return new("Send /link followed by your work email (for example /link name@company.com), or /link and the six-digit code you received.");
        }

        return await IssueAsync(platform, app, userId, argument.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Once <paramref name="answer"/>'s reply was sent (or failed), lets its code's delivery go: due now, and this
    /// replica's worker woken. Had the reply outlasted the hold, a worker took the item over already; nothing changes then.
    /// </summary>
    public async Task ReleaseAsync(LinkAnswer answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Delivery is not { } item)
        {
            return;
        }

        await _deliveries.RecordAsync(item, LinkCodeDelivery.AskerOwner, WorkOutcome<WorkItemRow>.Defer(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        _deliverySignal.Notify();
    }

    private async Task<LinkAnswer> IssueAsync(string platform, string app, string userId, string email, CancellationToken cancellationToken)
    {
        var lifetime = _options.Value.LinkCodeLifetime;
        var limit = _options.Value.LinkCodesPerHour;
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var person = await _links.ActivePersonByEmailAsync(email, cancellationToken).ConfigureAwait(false);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // The account first, then the person: every ask takes its locks in this order, so none waits in a circle.
                await _provider.LockUntilCommitAsync(db, $"link-codes/account/{platform}/{app}/{userId}", cancellationToken).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var since = now - LimitWindow;
                var asked = await db.PersonLinkCodes.AsNoTracking().Where(c => c.Platform == platform && c.App == app && c.UserId == userId && c.CreatedAt > since)
                    .Select(c => c.CreatedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
                if (asked.Count >= limit)
                {
                    LogLimited(_logger, platform, app, "the asking account");
                    var wait = asked.Min() + LimitWindow - now;
                    return new($"You asked for {limit} codes in the last hour, the most an account may. Ask again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minutes.");
                }

                // The same lock and count whether or not the email is someone's: the time to answer does not tell.
                var personKey = person?.Id ?? NoPerson;
                await _provider.LockUntilCommitAsync(db, $"link-codes/person/{(person is null ? email : person.Id)}", cancellationToken).ConfigureAwait(false);
                var sentToPerson = await db.PersonLinkCodes.CountAsync(c => c.PersonId == personKey && c.CreatedAt > since, cancellationToken).ConfigureAwait(false);
                string? recipient = person?.Id;
                if (person is null)
                {
                    LogNoPerson(_logger, platform, app);
                }
                else if (sentToPerson >= limit)
                {
                    LogLimited(_logger, platform, app, "the person asked for");
                    recipient = null;
                }

                // Stored either way, as if sent: the row counts toward this account's limit on every replica, and without a
                // recipient its hash is of a secret no one holds, so no code typed here ever matches it.
                var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
                var hashed = recipient is null
                    ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))
                    : Hashed(recipient, platform, app, userId, code);

                // A new code replaces the account's earlier ones.
                await db.PersonLinkCodes.Where(c => c.Platform == platform && c.App == app && c.UserId == userId && c.ClosedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClosedAt, now), cancellationToken).ConfigureAwait(false);
                var row = new PersonLinkCodeRow
                {
                    PersonId = recipient,
                    Platform = platform,
                    App = app,
                    UserId = userId,
                    CodeHash = _hash.Hash(HashPurpose, hashed),
                    CreatedAt = now,
                    ExpiresAt = now + lifetime,
                };
                db.PersonLinkCodes.Add(row);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

                // Its delivery, in the same transaction, held until the reply is sent; one with no recipient sends nothing.
                var delivery = _delivery.Held(row.Id, recipient, code, now);
                db.WorkItems.Add(delivery);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new(
                    "If that email belongs to someone in the directory, a six-digit code is being sent to the accounts they already linked "
                        + $"({_personPlatforms.DisplayedOr}). Send /link and the code here within {lifetime.TotalMinutes:0} minutes.",
                    delivery.Id);
            }
        }
    }

    private async Task<string> RedeemAsync(string platform, string app, string userId, string code, CancellationToken cancellationToken)
    {
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            var latest = await db.PersonLinkCodes.AsNoTracking().Where(c => c.Platform == platform && c.App == app && c.UserId == userId)
                .OrderByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (latest is null || latest.ExpiresAt <= now || (latest.ClosedAt is not null && latest.Attempts < MaxAttempts))
            {
                return NoCodeWaiting;
            }

            // Given up on after its wrong tries: any code, the right one too, gets the same answer.
            if (latest.ClosedAt is not null)
            {
                return NoLongerWorks;
            }

            if (latest.PersonId is not { } personId || !_hash.Matches(HashPurpose, Hashed(personId, platform, app, userId, code), latest.CodeHash))
            {
                return await WrongTryAsync(db, latest.Id, now, cancellationToken).ConfigureAwait(false);
            }

            // Only the redeem that closes the code links: a second one typed at once, or one after the last wrong try
            // counted, finds it closed and is answered as a wrong try would be then.
            var closed = await db.PersonLinkCodes.Where(c => c.Id == latest.Id && c.ClosedAt == null && c.Attempts < MaxAttempts)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClosedAt, now), cancellationToken).ConfigureAwait(false);
            if (closed == 0)
            {
                return NoLongerWorks;
            }

            var outcome = await _links.LinkAsync(personId, platform, app, userId, PersonLinkSource.Self, cancellationToken).ConfigureAwait(false);
            LogRedeemed(_logger, personId, platform, app, outcome);
            return outcome switch
            {
                PersonLinkOutcome.Linked or PersonLinkOutcome.Unchanged => "Linked: this account is now yours in the directory. Your conversations continue here.",
                PersonLinkOutcome.KeptAdminLink => "An administrator already linked another account of yours here; ask them to change it.",
                PersonLinkOutcome.TakenByOther => "This account is linked to someone else; ask an administrator.",
                _ => "The person the code was for is no longer in the directory.",
            };
        }
    }

    /// <summary>
    /// Counts one wrong try with one conditional update — only while the code is open and under <see cref="MaxAttempts"/>
    /// — and reads the count in the same transaction, whose row lock (the write lock on SQLite) keeps another try from
    /// changing it in between; the try that reaches the limit closes the code. A try the update did not count found the
    /// code closed by the others (or used, or replaced) meanwhile.
    /// </summary>
    private static async Task<string> WrongTryAsync(HubDbContext db, long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset? closedAt = now;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var counted = await db.PersonLinkCodes.Where(c => c.Id == id && c.ClosedAt == null && c.Attempts < MaxAttempts)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(c => c.Attempts, c => c.Attempts + 1)
                        .SetProperty(c => c.ClosedAt, c => c.Attempts + 1 >= MaxAttempts ? closedAt : c.ClosedAt),
                    cancellationToken).ConfigureAwait(false);
            if (counted == 0)
            {
                return NoLongerWorks;
            }

            var attempts = await db.PersonLinkCodes.Where(c => c.Id == id).Select(c => c.Attempts).SingleAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            var left = MaxAttempts - attempts;
            return left > 0
                ? $"That code is not right; {left} {(left == 1 ? "try" : "tries")} left."
                : "That code is not right, and it no longer works. Send /link followed by your work email to get a new one.";
        }
    }

    /// <summary>What is hashed: the code bound to the person and the account it was asked from, so a row moved elsewhere matches nothing.</summary>
    private static string Hashed(string personId, string platform, string app, string userId, string code) => $"{personId}\n{platform}\n{app}\n{userId}\n{code}";

    [LoggerMessage(EventId = LogEvents.AssistantLinkNoPerson, Level = LogLevel.Information, Message = "A {Platform} account of app {App} asked for a link code for an email no active person has; answered as if sent, nothing sent")]
    private static partial void LogNoPerson(ILogger logger, string platform, string app);

    [LoggerMessage(EventId = LogEvents.AssistantLinkRedeemed, Level = LogLevel.Information, Message = "Person {PersonId} linked a {Platform} account of app {App} with a code: {Outcome}")]
    private static partial void LogRedeemed(ILogger logger, string personId, string platform, string app, PersonLinkOutcome outcome);

    [LoggerMessage(EventId = LogEvents.AssistantLinkCodeLimited, Level = LogLevel.Information, Message = "A {Platform} account of app {App} asked for a link code past the hourly limit of {Whom}; no code sent")]
    private static partial void LogLimited(ILogger logger, string platform, string app, string whom);
}

/// <summary>The reply to a <c>/link</c>, and the code's delivery item it holds until the reply is sent (null when it asked for none).</summary>
internal sealed record LinkAnswer(string Text, long? Delivery = null);
