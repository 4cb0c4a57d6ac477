using System.Text.Json;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Bots;

/// <summary>
/// Conversations in the Hub's database, so an open question survives a restart and is shared by
/// replicas. Expired rows read as absent and are overwritten by the next question.
/// </summary>
internal sealed class DbBotConversationStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time) : IBotConversationStore
{
    private const int MaxReaders = 64;

    // Every direct message and mention asks for the sender's conversation: compiled once per store, so a lookup skips the
    // query cache's expression walk and hashing. Not static: a compiled query refuses a model other than the one it was
    // compiled against, and two Hubs in one process (another provider, other options) each have their own model.
    private readonly Func<HubDbContext, string, string, string, CancellationToken, Task<BotConversationRow?>> _find =
        EF.CompileAsyncQuery((HubDbContext db, string app, string chatId, string userOpenId, CancellationToken cancellationToken) =>
            db.Set<BotConversationRow>().AsNoTracking().SingleOrDefault(c => c.App == app && c.ChatId == chatId && c.UserOpenId == userOpenId));

    // Read-only contexts kept for the lookup: building a DbContext (its services, model and options checks) cost more
    // than the query itself. They track nothing (no-tracking query) and hold no connection between lookups.
    private readonly System.Collections.Concurrent.ConcurrentBag<HubDbContext> _readers = [];
    private int _readerCount;

    public async ValueTask<BotConversation?> GetAsync(string app, string chatId, string userOpenId, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        if (!_readers.TryTake(out var db))
        {
            db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _readerCount);
        }

        BotConversationRow? row;
        try
        {
            row = await _find(db, app, chatId, userOpenId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _readerCount);
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (Volatile.Read(ref _readerCount) <= MaxReaders)
        {
            _readers.Add(db);
        }
        else
        {
            Interlocked.Decrement(ref _readerCount);
            await db.DisposeAsync().ConfigureAwait(false);
        }

        if (row is null || row.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }

        var values = JsonSerializer.Deserialize(row.ValuesJson, BotJsonContext.Default.DictionaryStringString) ?? [];
        return new BotConversation(row.Step, values, row.ExpiresAt);
    }

    public async ValueTask SetAsync(string app, string chatId, string userOpenId, BotConversation conversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var values = JsonSerializer.Serialize(conversation.Values.ToDictionary(StringComparer.Ordinal), BotJsonContext.Default.DictionaryStringString);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.BotConversations
                .SingleOrDefaultAsync(c => c.App == app && c.ChatId == chatId && c.UserOpenId == userOpenId, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                db.BotConversations.Add(new BotConversationRow { App = app, ChatId = chatId, UserOpenId = userOpenId, Step = conversation.Step, ValuesJson = values, ExpiresAt = conversation.ExpiresAt });
            }
            else
            {
                row.Step = conversation.Step;
                row.ValuesJson = values;
                row.ExpiresAt = conversation.ExpiresAt;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (row is null && provider.IsUniqueViolation(ex))
            {
                // Another handler asked the same user at the same moment; the last question wins.
                db.ChangeTracker.Clear();
                await db.BotConversations
                    .Where(c => c.App == app && c.ChatId == chatId && c.UserOpenId == userOpenId)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.Step, conversation.Step).SetProperty(c => c.ValuesJson, values).SetProperty(c => c.ExpiresAt, conversation.ExpiresAt), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }

    public async ValueTask RemoveAsync(string app, string chatId, string userOpenId, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.BotConversations
                .Where(c => c.App == app && c.ChatId == chatId && c.UserOpenId == userOpenId)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class BotJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
