using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Platform.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// The <c>/link</c> codes' queue: one work item per code asked for (in <c>hub_work_items</c>, keyed by the code's row),
/// enqueued with the code in one transaction and held by the asker until its reply is sent (<see cref="AssistantLinking"/>),
/// so a code never reaches anyone before the answer, and an email that is no one's gets an item too, which sends nothing.
/// The code rides in the payload protected by the key ring and is erased once the item ends.
/// </summary>
internal sealed partial class LinkCodeDelivery(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    PersonLinkStore links,
    PlatformPieces<IPlatformAccounts> platforms,
    PersonPlatforms personPlatforms,
    HubSecretProtector protector,
    IOptions<AssistantOptions> options,
    TimeProvider time,
    ILogger<LinkCodeDelivery> logger) : IWorkHandler<WorkItemRow>
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "assistant-link-codes";

    /// <summary>The lease owner of this process's askers, who hold their code's item until the reply is sent.</summary>
    public static string AskerOwner { get; } = QueueOwner.Create("link-asker");

    /// <summary>
    /// The item for code row <paramref name="codeId"/>, held by <see cref="AskerOwner"/> (the attempt counted as a claim's
    /// would be) until the asker releases it; should the asker never do so, its lease runs out and a worker sends it.
    /// </summary>
    public WorkItemRow Held(long codeId, string? personId, string code, DateTimeOffset now)
    {
        var payload = protector.Protect(JsonSerializer.Serialize(new LinkCodeMessage(personId, code), LinkCodeJson.Default.LinkCodeMessage));
        var item = WorkItemRow.Create(QueueName, codeId.ToString(CultureInfo.InvariantCulture), now, payload);
        (item.State, item.Attempts, item.LeaseOwner, item.LeaseUntil) = (WorkState.InProgress, 1, AskerOwner, now + options.Value.LeaseDuration);
        return item;
    }

    /// <inheritdoc />
    public async Task<WorkOutcome<WorkItemRow>> HandleAsync(WorkItemRow item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        LinkCodeMessage? message;
        try
        {
            message = item.Payload is { } payload ? JsonSerializer.Deserialize(protector.Unprotect(payload), LinkCodeJson.Default.LinkCodeMessage) : null;
        }
        catch (CryptographicException)
        {
            // The key ring lost the key (a database restored without it): the code cannot be read, and asking again gives a new one.
            return WorkOutcome<WorkItemRow>.DeadLetter("the code could not be decrypted (key ring changed); ask again", Erased);
        }

        if (message?.Person is { } personId && await StillOpenAsync(long.Parse(item.Key, CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false) is { } code)
        {
            await DeliverAsync(personId, code, message.Code, cancellationToken).ConfigureAwait(false);
        }

        return WorkOutcome<WorkItemRow>.Done(Erased);
    }

    /// <summary>Erases the protected code from the item as it ends.</summary>
    private static void Erased(Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<WorkItemRow> s) => s.SetProperty(w => w.Payload, (string?)null);

    /// <summary>The code's row while it may still be typed; a code replaced, used or expired before its turn here is not sent.</summary>
    private async Task<PersonLinkCodeRow?> StillOpenAsync(long id, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            return await db.PersonLinkCodes.AsNoTracking().Where(c => c.Id == id && c.ClosedAt == null && c.ExpiresAt > now)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the code to every account of the person that a platform here can message; a failed send does not stop the others.</summary>
    private async Task DeliverAsync(string personId, PersonLinkCodeRow asked, string code, CancellationToken cancellationToken)
    {
        var text = $"Your code to link your {personPlatforms.Display(asked.Platform)} account: {code}\n"
            + $"It works for {options.Value.LinkCodeLifetime.TotalMinutes:0} minutes. If you did not ask for it, ignore this message.";
        var delivered = 0;
        foreach (var account in await links.AccountsAsync(personId, cancellationToken).ConfigureAwait(false))
        {
            if ((account.Platform == asked.Platform && account.App == asked.App && account.UserId == asked.UserId) || platforms.Find(account.Platform) is not { } accounts)
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
                LogNotDelivered(logger, personId, account.Platform, account.App, ex.GetType().Name);
            }
        }

        if (delivered == 0)
        {
            LogUnreachable(logger, personId);
            return;
        }

        LogIssued(logger, personId, asked.Platform, asked.App, delivered);
    }

    [LoggerMessage(EventId = LogEvents.AssistantLinkCodeIssued, Level = LogLevel.Information, Message = "A link code for a {Platform} account of app {App} was sent to person {PersonId}, to {Accounts} of their accounts")]
    private static partial void LogIssued(ILogger logger, string personId, string platform, string app, int accounts);

    [LoggerMessage(EventId = LogEvents.AssistantLinkUnreachable, Level = LogLevel.Warning, Message = "A link code for person {PersonId} reached none of their accounts (none linked, or every send failed); an administrator can link the account in the console")]
    private static partial void LogUnreachable(ILogger logger, string personId);

    [LoggerMessage(EventId = LogEvents.AssistantLinkCodeNotDelivered, Level = LogLevel.Warning, Message = "A link code for person {PersonId} could not be sent to their {Platform} account under app {App} ({Error})")]
    private static partial void LogNotDelivered(ILogger logger, string personId, string platform, string app, string error);
}

/// <summary>What a code's item carries (protected): the person to send it to (null: an email that is no one's, or past the person's limit) and the code.</summary>
internal sealed record LinkCodeMessage(string? Person, string Code);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LinkCodeMessage))]
internal sealed partial class LinkCodeJson : JsonSerializerContext;
