using Larkway.Emulator.State;

namespace Larkway.Emulator.Authen;

/// <summary>The user_info fields (authen user_info page); the four contact fields only with the app's field permission.</summary>
internal sealed record UserProfile(
    string Name,
    string EnName,
    string AvatarUrl,
    string AvatarThumb,
    string AvatarMiddle,
    string AvatarBig,
    string OpenId,
    string UnionId,
    string? Email,
    string? EnterpriseEmail,
    string? UserId,
    string? Mobile,
    string TenantKey,
    string EmployeeNo);

/// <summary>Builds <see cref="UserProfile"/>s as an app sees its users.</summary>
internal sealed class UserProfiles(EmulatorState state, OAuthSettingsStore settings, UserOpenIds openIds)
{
    /// <summary>
    /// The user as <paramref name="appId"/> sees them (its open_id and union_id). Without an English name the name stands
    /// in for en_name, without an enterprise mailbox the email; avatars are the Emulator's initials pictures.
    /// </summary>
    public UserProfile Of(string appId, EmulatorUser user, Uri baseUrl)
    {
        string Avatar(int size) => new Uri(baseUrl, $"/_emulator/avatars/{Uri.EscapeDataString(user.OpenId)}?size={size}").AbsoluteUri;
        string? Field(string scope, string? value) => settings.ShowsField(appId, scope) ? value : null;
        return new UserProfile(
            user.Name,
            user.EnName ?? user.Name,
            Avatar(240),
            Avatar(72),
            Avatar(240),
            Avatar(640),
            openIds.OpenIdFor(appId, user),
            openIds.UnionIdFor(appId, user),
            Field(UserInfoFields.Email, user.Email),
            Field(UserInfoFields.EnterpriseEmail, user.EnterpriseEmail ?? user.Email),
            Field(UserInfoFields.UserId, user.UserId),
            Field(UserInfoFields.Mobile, user.Mobile),
            state.Tenant.TenantKey,
            user.EmployeeNo ?? string.Empty);
    }
}
