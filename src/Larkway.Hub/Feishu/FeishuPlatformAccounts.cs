using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Directory.Links;

namespace Larkway.Hub.Feishu;

/// <summary>
/// Feishu's side of people's accounts. The directory is synced from Feishu and keeps each person's open_id per app, so a
/// Feishu sender is known without asking Feishu's contacts; a direct message goes to the open_id through the app's client.
/// </summary>
internal sealed class FeishuPlatformAccounts(IFeishuClientFactory clients) : IPlatformAccounts
{
    /// <inheritdoc />
    public Task<PlatformContact?> ContactAsync(string app, string userId, CancellationToken cancellationToken) => Task.FromResult<PlatformContact?>(null);

    /// <inheritdoc />
    /// <remarks>A person routed to Feishu is addressed by open_id or email as given: nothing is looked up here.</remarks>
    public Task<string?> FindUserIdAsync(string app, string by, string value, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <inheritdoc />
    public async Task SendTextAsync(string app, string userId, string text, CancellationToken cancellationToken)
    {
        var client = await clients.GetClientAsync(HubAppService.NameInStore(app), cancellationToken).ConfigureAwait(false);
        await client.Im.Messages.SendAsync(ReceiveId.OpenId(userId), MessageContent.Text(text), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
