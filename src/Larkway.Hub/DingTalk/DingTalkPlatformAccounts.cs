using Larkway.DingTalk;
using Larkway.DingTalk.Robots;
using Larkway.Hub.Apps;
using Larkway.Hub.Directory.Links;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// DingTalk's side of people's accounts: a member's email and mobile number from the organisation's contacts
/// (<c>topapi/v2/user/get</c> by the sender's staff id), and a one-to-one message from the app's robot.
/// </summary>
internal sealed class DingTalkPlatformAccounts(HubDingTalkClients clients) : IPlatformAccounts
{
    /// <inheritdoc />
    public async Task<PlatformContact?> ContactAsync(string app, string userId, CancellationToken cancellationToken)
    {
        try
        {
            var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
            var user = await client.Users.GetAsync(userId, cancellationToken).ConfigureAwait(false);
            // Both of DingTalk's addresses, as WeCom's email and biz_mail are: the member's own and the org mailbox.
            string[] emails = [.. new[] { user.Email, user.OrgEmail }.OfType<string>().Where(e => e.Length > 0)];
            return new PlatformContact(emails, user.Mobile);
        }
        catch (DingTalkApiException ex) when (!ex.IsTransient)
        {
            // Not a member of the organisation (a sender from outside has no staff id DingTalk knows), or no contacts permission.
            return null;
        }
        catch (Exception ex) when (ex is DingTalkApiException or HttpRequestException or TimeoutException or HubAppNotFoundException)
        {
            throw new PlatformAccountsUnavailableException($"DingTalk's contacts could not be asked now ({ex.GetType().Name}).", ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>DingTalk looks members up by mobile number only (<c>topapi/v2/user/getbymobile</c>), each form of it in turn.</remarks>
    public async Task<string?> FindUserIdAsync(string app, string by, string value, CancellationToken cancellationToken)
    {
        if (by != PersonLinkSource.Mobile)
        {
            return null;
        }

        try
        {
            var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
            foreach (var candidate in PlatformMobile.LookupForms(value))
            {
                try
                {
                    return await client.Users.GetUserIdByMobileAsync(candidate, cancellationToken).ConfigureAwait(false);
                }
                catch (DingTalkApiException ex) when (!ex.IsTransient)
                {
                    // Not a member with this form of the number: the next form, else nobody.
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is DingTalkApiException or HttpRequestException or TimeoutException)
        {
            throw new PlatformAccountsUnavailableException($"DingTalk could not look the person up now ({(ex is DingTalkApiException api ? api.Code : ex.GetType().Name)}).", ex);
        }
    }

    /// <inheritdoc />
    public async Task SendTextAsync(string app, string userId, string text, CancellationToken cancellationToken)
    {
        var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
        await client.Robot.SendToUsersAsync([userId], DingTalkAppRobotMessage.Text(text), cancellationToken).ConfigureAwait(false);
    }
}
