using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Linking one's own account with a one-time code (<c>/link</c>): from the unlinked account the person names their work
/// email; a six-digit code goes to their account already linked (Feishu, where the directory comes from); typing it back
/// from the new account proves both are the same person, and the account is linked. The reply never says whether an
/// email belongs to anyone, codes are stored hashed, expire, and allow five wrong tries.
/// </summary>
internal sealed partial class AssistantLinking(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    PersonLinkStore links,
    IFeishuClientFactory clients,
    IOptions<AssistantOptions> options,
    TimeProvider time,
    ILogger<AssistantLinking> logger)
{
    /// <summary>Wrong codes allowed per code.</summary>
    public const int MaxAttempts = 5;

    /// <summary>What <c>/link</c> tells an account how to link itself.</summary>
    public static string Instructions(string assistant) =>
        $"{assistant} answers members of the organisation. To link this account to yours, send /link followed by your work email "
        + "(for example /link name@company.com); a code goes to your Feishu account, then send /link and the code here.";

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

        await IssueAsync(platform, app, userId, argument, cancellationToken).ConfigureAwait(false);
        return "If that email belongs to someone in the directory, a six-digit code was sent to their Feishu account. "
            + $"Send /link and the code here within {options.Value.LinkCodeLifetime.TotalMinutes:0} minutes.";
    }

    private async Task IssueAsync(string platform, string app, string userId, string email, CancellationToken cancellationToken)
    {
        var person = await links.ActivePersonByEmailAsync(email, cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            LogNoPerson(logger, platform, app);
            return;
        }

        var openId = await OpenIdAsync(person.Id, cancellationToken).ConfigureAwait(false);
        if (openId is null)
        {
            LogUnreachable(logger, person.Id);
            return;
        }

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var now = time.GetUtcNow();
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // A new code replaces the account's earlier ones.
            await db.PersonLinkCodes.Where(c => c.Platform == platform && c.App == app && c.UserId == userId && c.ClosedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClosedAt, now), cancellationToken).ConfigureAwait(false);
            db.PersonLinkCodes.Add(new PersonLinkCodeRow
            {
                PersonId = person.Id,
                Platform = platform,
                App = app,
                UserId = userId,
                CodeHash = Hash(code),
                CreatedAt = now,
                ExpiresAt = now + options.Value.LinkCodeLifetime,
            });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        var where = PersonPlatform.Display(platform);
        await clients.GetClient("").Im.Messages.SendAsync(
            ReceiveId.OpenId(openId),
            MessageContent.Text($"Your code to link your {where} account: {code}\nIt works for {options.Value.LinkCodeLifetime.TotalMinutes:0} minutes. If you did not ask for it, ignore this message."),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        LogIssued(logger, person.Id, platform, app);
    }

    private async Task<string> RedeemAsync(string platform, string app, string userId, string code, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            var open = await db.PersonLinkCodes.Where(c => c.Platform == platform && c.App == app && c.UserId == userId && c.ClosedAt == null)
                .OrderByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (open is null || open.ExpiresAt <= now)
            {
                return "There is no code waiting for this account (or it expired). Send /link followed by your work email to get a new one.";
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(open.CodeHash), Encoding.ASCII.GetBytes(Hash(code))))
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
            var outcome = await links.LinkAsync(open.PersonId, platform, app, userId, PersonLinkSource.Self, cancellationToken).ConfigureAwait(false);
            LogRedeemed(logger, open.PersonId, platform, app, outcome);
            return outcome switch
            {
                PersonLinkOutcome.Linked or PersonLinkOutcome.Unchanged => "Linked: this account is now yours in the directory. Your conversations continue here.",
                PersonLinkOutcome.KeptAdminLink => "An administrator already linked another account of yours here; ask them to change it.",
                PersonLinkOutcome.TakenByOther => "This account is linked to someone else; ask an administrator.",
                _ => "The person the code was for is no longer in the directory.",
            };
        }
    }

    private async Task<string?> OpenIdAsync(string personId, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.PersonAppIds.AsNoTracking().Where(a => a.PersonId == personId && a.App == "")
                .Select(a => a.OpenId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(code)));

    [LoggerMessage(EventId = LogEvents.AssistantLinkCodeIssued, Level = LogLevel.Information, Message = "A link code for a {Platform} account of app {App} was sent to person {PersonId}")]
    private static partial void LogIssued(ILogger logger, string personId, string platform, string app);

    [LoggerMessage(EventId = LogEvents.AssistantLinkNoPerson, Level = LogLevel.Information, Message = "A {Platform} account of app {App} asked for a link code for an email no active person has; answered as if sent")]
    private static partial void LogNoPerson(ILogger logger, string platform, string app);

    [LoggerMessage(EventId = LogEvents.AssistantLinkUnreachable, Level = LogLevel.Warning, Message = "A link code for person {PersonId} was not sent: they have no Feishu open_id under the default app")]
    private static partial void LogUnreachable(ILogger logger, string personId);

    [LoggerMessage(EventId = LogEvents.AssistantLinkRedeemed, Level = LogLevel.Information, Message = "Person {PersonId} linked a {Platform} account of app {App} with a code: {Outcome}")]
    private static partial void LogRedeemed(ILogger logger, string personId, string platform, string app, PersonLinkOutcome outcome);
}
