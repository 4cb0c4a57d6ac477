using Larkway.Emulator.Authen;

namespace Larkway.Emulator.Seed;

/// <summary>An app's sign-in settings in a seed (<c>apps[].oauth</c>); see <see cref="OAuthAppSettings"/> for the defaults.</summary>
public sealed class SeedOAuth
{
    /// <summary>The redirect URL allow-list (absolute URLs); empty or absent allows loopback URLs only.</summary>
    public IReadOnlyList<string>? RedirectUrls { get; init; }

    /// <summary>The scopes the app has applied for; absent takes any well-formed scope.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>user_info's field permissions; absent grants all four.</summary>
    public IReadOnlyList<string>? UserInfoFieldScopes { get; init; }

    /// <summary>Users (open_id, user_id or email) the app is available to; absent is everyone.</summary>
    public IReadOnlyList<string>? AvailableTo { get; init; }

    /// <summary>The seeded apps' settings; a redirect URL that is not absolute fails the start.</summary>
    public static IReadOnlyList<OAuthAppSettings> SettingsOf(SeedDocument seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var settings = new List<OAuthAppSettings>();
        foreach (var app in seed.Apps ?? [])
        {
            if (app.OAuth is not { } oauth)
            {
                continue;
            }

            if (oauth.RedirectUrls?.FirstOrDefault(u => !OAuthSettingsStore.IsRedirectUrl(u)) is { } bad)
            {
                throw new InvalidDataException($"Seed app '{app.AppId}' has an oauth.redirect_urls entry that is not an absolute http(s) URL: '{bad}'.");
            }

            settings.Add(new OAuthAppSettings(app.AppId)
            {
                RedirectUrls = oauth.RedirectUrls ?? [],
                Scopes = oauth.Scopes,
                UserInfoFieldScopes = oauth.UserInfoFieldScopes,
                AvailableTo = oauth.AvailableTo,
            });
        }

        return settings;
    }
}
