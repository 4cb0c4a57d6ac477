using Larkway.Feishu;
using Larkway.Feishu.Authen;
using Larkway.Feishu.Docs;
using Larkway.Hub.Directory;

namespace Larkway.Hub.Feishu.Docs;

/// <summary>Whether a person may open a document, and on what evidence; <see cref="Why"/> tells the asker when not.</summary>
/// <param name="AskedAsPerson">Whether Feishu was asked as the person (then its answer is final).</param>
/// <param name="Gone">Whether Feishu said there is no such document (asking as the person would not help either).</param>
internal sealed record DocumentAccess(bool Allowed, string Evidence, string? Why = null, bool AskedAsPerson = false, bool Gone = false)
{
    /// <summary>Drive's batch metadata reason for a token that names no file of the type asked for.</summary>
    internal const int MetaNotFound = 970005;

    public static DocumentAccess Refused(string why, bool askedAsPerson = false) => new(false, "none", why, askedAsPerson);
}

/// <summary>
/// Decides whether the asker may open a document — never trusting that the bot can. In order:
/// <list type="number">
/// <item>the person's own Feishu token (kept when they signed in through the Hub with the docs scopes): Feishu's own
/// permission check as them (<c>members/auth</c>, action view), which counts every way they may open it;</item>
/// <item>otherwise what the bot can see of the document's sharing: opened by link to the whole company (or anyone), or
/// the person named among its collaborators — by open_id, user_id, union_id, email, one of their departments (or a
/// department above), or a group chat they are in — or the person owning it.</item>
/// </list>
/// Rights the bot cannot see (a folder's or a wiki space's, inherited) are not assumed: the person is told to share the
/// document or to sign in so the Hub can ask Feishu as them.
/// </summary>
internal sealed class FeishuDocumentAccess(IFeishuUserTokenStore userTokens)
{
    public async Task<DocumentAccess> DecideAsync(FeishuClient bot, string token, DriveFileType type, PersonShareIds person, CancellationToken cancellationToken)
    {
        if (person.OpenId is { } openId && await AsPersonAsync(bot, openId, cancellationToken).ConfigureAwait(false) is { } asPerson)
        {
            try
            {
                return await asPerson.Docs.Permissions.CanAsync(token, type, DriveAction.View, cancellationToken).ConfigureAwait(false)
                    ? new DocumentAccess(true, "feishu_check_as_person", AskedAsPerson: true)
                    : DocumentAccess.Refused("Feishu says you may not open it: ask its owner to share it with you.", askedAsPerson: true);
            }
            catch (FeishuApiException ex) when (ex.Code is FeishuErrorCodes.UserScopeMissing or FeishuErrorCodes.UserAccessTokenInvalid or FeishuErrorCodes.UserTokenExpired or FeishuErrorCodes.UserNotSignedIn)
            {
                // The kept token cannot ask (a scope not granted, revoked): judge by what the bot sees.
            }
        }

        return await ByWhatTheBotSeesAsync(bot, token, type, person, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FeishuClient?> AsPersonAsync(FeishuClient bot, string openId, CancellationToken cancellationToken)
    {
        var kept = await userTokens.GetAsync(bot.AppId, openId, cancellationToken).ConfigureAwait(false);
        if (kept is null || !kept.Scopes.Any(s => s is "docs:permission.member:auth" or "drive:drive" or "docs:doc" or "drive:drive:readonly"))
        {
            return null;
        }

        try
        {
            return await new FeishuUserTokenProvider(bot, userTokens).AsUserAsync(openId, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException)
        {
            return null;
        }
    }

    private static async Task<DocumentAccess> ByWhatTheBotSeesAsync(FeishuClient bot, string token, DriveFileType type, PersonShareIds person, CancellationToken cancellationToken)
    {
        // Each piece of evidence is asked for on its own: the bot may be allowed to see one and not another.
        var permissions = bot.Docs.Permissions;
        var seen = false;
        if (await TryAsync(() => permissions.GetPublicAsync(token, type, cancellationToken)) is { } settings)
        {
            seen = true;
            if (settings.TenantCanRead)
            {
                return new DocumentAccess(true, "link_" + settings.LinkShareEntity);
            }
        }

        if (await TryAsync(() => permissions.ListMembersAsync(token, type, cancellationToken: cancellationToken)) is { } members)
        {
            seen = true;
            foreach (var member in members)
            {
                if (await NamesAsync(bot, member, person, cancellationToken).ConfigureAwait(false))
                {
                    return new DocumentAccess(true, "member_" + (member.WireMemberType ?? "user"));
                }
            }
        }

        if (await TryAsync(() => bot.Docs.Files.GetMetasAsync([(token, type)], cancellationToken: cancellationToken)) is { } metas)
        {
            seen |= metas.Found.Count > 0;
            if (metas.Found.Any(m => m.OwnerId == person.OpenId))
            {
                return new DocumentAccess(true, "owner");
            }

            if (!seen && metas.Failed.Any(f => f.Token == token && f.Code == DocumentAccess.MetaNotFound))
            {
                return new DocumentAccess(false, "none", "it does not exist. Check the link.", Gone: true);
            }
        }

        return DocumentAccess.Refused(seen
            ? "as far as the assistant can see, it is not shared with you. Ask its owner to share it with you (or with everyone in the company), then ask again."
            : "the assistant's Feishu app cannot see who may open it.");
    }

    /// <summary>
    /// The call's answer, or null when Feishu refuses it for good (a passing failure propagates: the turn is retried). A
    /// document that is gone propagates too: "deleted" or "no such document" is the answer the asker needs, not "the app
    /// cannot see who may open it".
    /// </summary>
    private static async Task<T?> TryAsync<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (!ex.IsTransient && !IsGone(ex.Code))
        {
            return null;
        }
    }

    private static bool IsGone(int code) => code is FeishuErrorCodes.DocxNotFound or FeishuErrorCodes.DocxDeleted
        or FeishuErrorCodes.DriveNotFound or FeishuErrorCodes.DriveDeleted or FeishuErrorCodes.DrivePermissionResourceDeleted;

    private static async Task<bool> NamesAsync(FeishuClient bot, DriveMember member, PersonShareIds person, CancellationToken cancellationToken)
    {
        switch (member.WireMemberType)
        {
            case "openid":
                return member.MemberId == person.OpenId;
            case "userid":
                return member.MemberId == person.UserId;
            case "unionid":
                return member.MemberId == person.UnionId;
            case "email":
                return person.Emails.Contains(member.MemberId);
            case "opendepartmentid":
                return person.DepartmentOpenIds.Contains(member.MemberId);
            case "openchat" when person.OpenId is { } openId:
                // The bot sees a chat's members only when it is in the chat; otherwise the chat proves nothing.
                try
                {
                    await foreach (var m in bot.Im.ChatMembers.ListAsync(member.MemberId, cancellationToken: cancellationToken).ConfigureAwait(false))
                    {
                        if (m.MemberId == openId)
                        {
                            return true;
                        }
                    }
                }
                catch (FeishuApiException ex) when (!ex.IsTransient)
                {
                }

                return false;
            default:
                return false;
        }
    }
}
