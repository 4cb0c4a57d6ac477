using System.Globalization;
using System.Security.Cryptography;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Linking one's own account with a one-time code (<c>/link</c>): from the unlinked account the person names their work
/// email; a six-digit code goes to every account of theirs already linked, on any platform (their Feishu open_id, their
/// DingTalk and WeCom links); typing it back from the new account proves both are the same person, and the account is
/// linked. A person with no account linked anywhere is linked by an administrator in the console. No answer tells whether
/// an email belongs to anyone: an ask that sends nothing (no such person, or the person's limit reached) stores a code row
/// that matches no code, so the limit, the reply and a code typed afterwards go as for a real person. Codes are stored as
/// an HMAC keyed from the Hub's key ring (<see cref="HubKeyedHash"/>), expire, and allow five wrong tries; an account may
/// ask for, and a person be sent, <see cref="AssistantOptions.LinkCodesPerHour"/> codes an hour. Rows go once they count
/// toward no limit (<see cref="Storage.AssistantRetention"/>).
/// </summary>
internal sealed partial class AssistantLinking
{
    /// <summary>Wrong codes allowed per code.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The window the limits on codes count in.</summary>
    public static readonly TimeSpan LimitWindow = TimeSpan.FromHours(1);

    private const string HashPurpose = "directory-link-codes";

    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly HubDatabaseInitializer _initializer;
    private readonly PersonLinkStore _links;
    private readonly Dictionary<string, IPlatformAccounts> _platforms;
    private readonly PersonPlatforms _personPlatforms;
    private readonly HubKeyedHash _hash;
    private readonly IOptions<AssistantOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AssistantLinking(
        IDbContextFactory<HubDbContext> contexts,
        HubDatabaseInitializer initializer,
        PersonLinkStore links,
        IEnumerable<IPlatformAccounts> platforms,
        PersonPlatforms personPlatforms,
        HubKeyedHash hash,
        IOptions<AssistantOptions> options,
        TimeProvider time,
        ILogger<AssistantLinking> logger)
    {
        _contexts = contexts;
        _initializer = initializer;
        _links = links;
        _platforms = platforms.ToDictionary(p => p.Platform, StringComparer.Ordinal);
        _personPlatforms = personPlatforms;
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

    /// <summary>Runs <c>/link {argument}</c> from an account; returns the reply.</summary>
    public async Task<string> RunAsync(string assistant, string platform, string app, string userId, string? currentPerson, string argument, CancellationToken cancellationToken)
    {
        argument = argument.Trim();
        if (currentPerson is not null)
        {
            return "This account is already linked to you; there is nothing to do.";
        }

        if (argument.Length == 0)
        {
            return Instructions(assistant);
        }

        if (argument.Length == 6 && argument.All(char.IsAsciiDigit))
        {
            return await RedeemAsync(platform, app, userId, argument, cancellationToken).ConfigureAwait(false);
        }

        if (!argument.Contains('@', StringComparison.Ordinal) || argument.Length > 254)
        {
            return "Send /link followed by your work email (for example /link name@company.com), or /link and the six-digit code you received.";
        }

        return await IssueAsync(platform, app, userId, argument.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> IssueAsync(string platform, string app, string userId, string email, CancellationToken cancellationToken)
    {
        var lifetime = _options.Value.LinkCodeLifetime;
        var limit = _options.Value.LinkCodesPerHour;
        var now = _time.GetUtcNow();
        var since = now - LimitWindow;
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var asked = await db.PersonLinkCodes.AsNoTracking().Where(c => c.Platform == platform && c.App == app && c.UserId == userId && c.CreatedAt > since)
                .Select(c => c.CreatedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (asked.Count >= limit)
            {
                LogLimited(_logger, platform, app, "the asking account");
                var wait = asked.Min() + LimitWindow - now;
                return $"You asked for {limit} codes in the last hour, the most an account may. Ask again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minutes.";
            }

            var sent = "If that email belongs to someone in the directory, a six-digit code was sent to the accounts they already linked "
                + $"({_personPlatforms.DisplayedOr}). Send /link and the code here within {lifetime.TotalMinutes:0} minutes.";
            var person = await _links.ActivePersonByEmailAsync(email, cancellationToken).ConfigureAwait(false);
            string? recipient = person?.Id;
            if (person is null)
            {
                LogNoPerson(_logger, platform, app);
            }
            else if (await db.PersonLinkCodes.CountAsync(c => c.PersonId == person.Id && c.CreatedAt > since, cancellationToken).ConfigureAwait(false) >= limit)
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
            db.PersonLinkCodes.Add(new PersonLinkCodeRow
            {
                PersonId = recipient,
                Platform = platform,
                App = app,
                UserId = userId,
                CodeHash = _hash.Hash(HashPurpose, hashed),
                CreatedAt = now,
                ExpiresAt = now + lifetime,
            });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            if (recipient is not null)
            {
                await DeliverAsync(recipient, platform, app, userId, code, lifetime, cancellationToken).ConfigureAwait(false);
            }

            return sent;
        }
    }

    /// <summary>Sends the code to every account of the person that a platform here can message; a failed send does not stop the others.</summary>
    private async Task DeliverAsync(string personId, string platform, string app, string userId, string code, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var text = $"Your code to link your {_personPlatforms.Display(platform)} account: {code}\n"
            + $"It works for {lifetime.TotalMinutes:0} minutes. If you did not ask for it, ignore this message.";
        var delivered = 0;
        foreach (var account in await _links.AccountsAsync(personId, cancellationToken).ConfigureAwait(false))
        {
            if ((account.Platform == platform && account.App == app && account.UserId == userId) || !_platforms.TryGetValue(account.Platform, out var accounts))
            {
                continue;
            }

            try
            {
                await accounts.SendTextAsync(account.App, account.UserId, text, cancellationToken).ConfigureAwait(false);
                delivered++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Only the exception's type: its message could quote the request, which holds the code.
                LogNotDelivered(_logger, personId, account.Platform, account.App, ex.GetType().Name);
            }
        }

        if (delivered == 0)
        {
            LogUnreachable(_logger, personId);
            return;
        }

        LogIssued(_logger, personId, platform, app, delivered);
    }

    private async Task<string> RedeemAsync(string platform, string app, string userId, string code, CancellationToken cancellationToken)
    {
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            var open = await db.PersonLinkCodes.Where(c => c.Platform == platform && c.App == app && c.UserId == userId && c.ClosedAt == null)
                .OrderByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (open is null || open.ExpiresAt <= now)
            {
                return "There is no code waiting for this account (or it expired). Send /link followed by your work email to get a new one.";
            }

            if (open.PersonId is not { } personId || !_hash.Matches(HashPurpose, Hashed(personId, platform, app, userId, code), open.CodeHash))
            {
                open.Attempts++;
                if (open.Attempts >= MaxAttempts)
                {
                    open.ClosedAt = now;
                }

                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                var left = MaxAttempts - open.Attempts;
                return left > 0
                    ? $"That code is not right; {left} {(left == 1 ? "try" : "tries")} left."
                    : "That code is not right, and it no longer works. Send /link followed by your work email to get a new one.";
            }

            open.ClosedAt = now;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>What is hashed: the code bound to the person and the account it was asked from, so a row moved elsewhere matches nothing.</summary>
    private static string Hashed(string personId, string platform, string app, string userId, string code) => $"{personId}\n{platform}\n{app}\n{userId}\n{code}";

    [LoggerMessage(EventId = LogEvents.AssistantLinkCodeIssued, Level = LogLevel.Information, Message = "A link code for a {Platform} account of app {App} was sent to person {PersonId}, to {Accounts} of their accounts")]
    private static partial void LogIssued(ILogger logger, string personId, string platform, string app, int accounts);

    [LoggerMessage(EventId = LogEvents.AssistantLinkNoPerson, Level = LogLevel.Information, Message = "A {Platform} account of app {App} asked for a link code for an email no active person has; answered as if sent, nothing sent")]
    private static partial void LogNoPerson(ILogger logger, string platform, string app);

    [LoggerMessage(EventId = LogEvents.AssistantLinkUnreachable, Level = LogLevel.Warning, Message = "A link code for person {PersonId} reached none of their accounts (none linked, or every send failed); an administrator can link the account in the console")]
    private static partial void LogUnreachable(ILogger logger, string personId);

    [LoggerMessage(EventId = LogEvents.AssistantLinkRedeemed, Level = LogLevel.Information, Message = "Person {PersonId} linked a {Platform} account of app {App} with a code: {Outcome}")]
    private static partial void LogRedeemed(ILogger logger, string personId, string platform, string app, PersonLinkOutcome outcome);

    [LoggerMessage(EventId = LogEvents.AssistantLinkCodeLimited, Level = LogLevel.Information, Message = "A {Platform} account of app {App} asked for a link code past the hourly limit of {Whom}; no code sent")]
    private static partial void LogLimited(ILogger logger, string platform, string app, string whom);

    [LoggerMessage(EventId = LogEvents.AssistantLinkCodeNotDelivered, Level = LogLevel.Warning, Message = "A link code for person {PersonId} could not be sent to their {Platform} account under app {App} ({Error})")]
    private static partial void LogNotDelivered(ILogger logger, string personId, string platform, string app, string error);
}
