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
    /// The user as <paramref name="appId"/> sees them. The directory has no English name, avatar or employee number: the
    /// name stands in for en_name, avatars are the Emulator's initials pictures, employee_no is empty.
    /// </summary>
    public UserProfile Of(string appId, EmulatorUser user, Uri baseUrl)
    {
        string Avatar(int size) => new Uri(baseUrl, $"/_emulator/avatars/{Uri.EscapeDataString(user.OpenId)}?size={size}").AbsoluteUri;
        string? Field(string scope, string? value) => settings.ShowsField(appId, scope) ? value : null;
        return new UserProfile(
            user.Name,
            user.Name,
            Avatar(240),
            Avatar(72),
            Avatar(240),
            Avatar(640),
            openIds.OpenIdFor(appId, user),
            user.UnionId,
            Field(UserInfoFields.Email, user.Email),
            Field(UserInfoFields.EnterpriseEmail, user.Email),
            Field(UserInfoFields.UserId, user.UserId),
            Field(UserInfoFields.Mobile, user.Mobile),
            state.Tenant.TenantKey,
            string.Empty);
    }
}
