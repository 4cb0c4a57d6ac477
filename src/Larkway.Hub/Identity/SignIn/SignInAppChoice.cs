using Larkway.Hub.Apps;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>
/// Which stored app a platform's leg signs people in with: the one <see cref="IdentityOptions.SignInApps"/> names for the
/// platform, else the platform's only enabled stored app that can sign people in; none when it has none or several (the
/// setting then says which).
/// </summary>
internal static class SignInAppChoice
{
    /// <summary>The app's name, or null when the platform offers no sign-in.</summary>
    /// <exception cref="HubAppNotFoundException">The app the setting names does not exist, or is another platform's.</exception>
    public static async Task<StoredApp?> PickAsync(HubAppRegistry apps, IdentityOptions options, string platform, Func<StoredApp, bool> canSignIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apps);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(canSignIn);
        if (options.SignInAppOf(platform) is { } named)
        {
            var app = await apps.FindAsync(named, cancellationToken).ConfigureAwait(false);
            return app is { Enabled: true } && app.Platform == platform
                ? app
                : throw new HubAppNotFoundException($"{IdentityOptions.SectionName}:SignInApps:{platform} names '{named}', which is no enabled {platform} app of this Hub.");
        }

        var candidates = (await apps.AllAsync(cancellationToken).ConfigureAwait(false))
            .Where(a => a.Platform == platform && a is { Enabled: true, Error: null } && canSignIn(a))
            .Take(2)
            .ToList();
        return candidates is [var only] ? only : null;
    }
}
