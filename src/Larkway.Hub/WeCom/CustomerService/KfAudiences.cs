using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>For <c>/help</c>: the customer-service accounts whose customers the app's assistant answers.</summary>
internal sealed class KfAudiences(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer) : IAssistantAudiences
{
    /// <summary>Accounts named at most; more are counted.</summary>
    private const int Named = 5;

    public async Task<IReadOnlyList<string>> DescribeAsync(string app, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var accounts = await db.Set<KfAccountRow>().AsNoTracking().Where(a => a.App == app && a.Enabled)
                .OrderBy(a => a.OpenKfId).Select(a => a.OpenKfId).Take(Named + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (accounts.Count == 0)
            {
                return [];
            }

            var named = string.Join(", ", accounts.Take(Named)) + (accounts.Count > Named ? " and more" : "");
            return [$"It also answers customers on personal WeChat who write to this app's customer service (微信客服): {named}. Asking for a person hands them to a receptionist."];
        }
    }
}
