using Larkway.Hub.Apps;
using Larkway.Hub.Directory.Links;
using Larkway.WeCom;
using Larkway.WeCom.Messages;

namespace Larkway.Hub.WeCom;

/// <summary>
/// WeCom's side of people's accounts: a member's emails (their own and the corp mailbox) and mobile number from the corp's
/// contacts (<c>user/get</c> by userid, with the app's Secret), and a one-to-one app message (<c>message/send</c>).
/// </summary>
internal sealed class WeComPlatformAccounts(HubWeComClients clients) : IPlatformAccounts
{
    /// <inheritdoc />
    public async Task<PlatformContact?> ContactAsync(string app, string userId, CancellationToken cancellationToken)
    {
        try
        {
            var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
            var user = await client.Users.GetAsync(userId, cancellationToken).ConfigureAwait(false);
            string[] emails = [.. new[] { user.Email, user.BizMail }.OfType<string>().Where(e => e.Length > 0)];
            return new PlatformContact(emails, user.Mobile);
        }
        catch (WeComApiException ex) when (!ex.IsTransient)
        {
            // Not a member of the corp, or the app may not read this member (outside its visible range).
            return null;
        }
        catch (Exception ex) when (ex is WeComApiException or HttpRequestException or TimeoutException or HubAppNotFoundException)
        {
            throw new PlatformAccountsUnavailableException($"WeCom's contacts could not be asked now ({ex.GetType().Name}).", ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>By email: the corp mailbox first, then a personal email (<c>user/get_userid_by_email</c>); by mobile: each form of the number.</remarks>
    public async Task<string?> FindUserIdAsync(string app, string by, string value, CancellationToken cancellationToken)
    {
        try
        {
            var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
            if (by == PersonLinkSource.Email)
            {
                return await client.Users.GetUserIdByEmailAsync(value, corpEmail: true, cancellationToken).ConfigureAwait(false)
                    ?? await client.Users.GetUserIdByEmailAsync(value, corpEmail: false, cancellationToken).ConfigureAwait(false);
            }

            if (by != PersonLinkSource.Mobile)
            {
                return null;
            }

            foreach (var candidate in PlatformMobile.LookupForms(value))
            {
                if (await client.Users.GetUserIdByMobileAsync(candidate, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    return found;
                }
            }

            return null;
        }
        catch (WeComApiException ex) when (ex.IsTransient)
        {
            throw new PlatformAccountsUnavailableException($"WeCom could not look the person up now ({ex.Code}).", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            throw new PlatformAccountsUnavailableException($"WeCom could not be reached to look the person up ({ex.GetType().Name}).", ex);
        }
    }

    /// <inheritdoc />
    public async Task SendTextAsync(string app, string userId, string text, CancellationToken cancellationToken)
    {
        var client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
        await client.Messages.SendAsync(WeComRecipients.ToUsers(userId), WeComAppMessage.Text(text), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
