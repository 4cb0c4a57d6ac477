using Larkway.Emulator.State;

namespace Larkway.Emulator.Authen;

/// <summary>
/// An app's sign-in settings (developer console → Security settings and Permissions). Unset parts take the sandbox
/// defaults: loopback redirect URLs, any well-formed scope, every user_info field, every user.
/// </summary>
public sealed record OAuthAppSettings(string AppId)
{
    /// <summary>The redirect URL allow-list; empty allows loopback http(s) URLs only (127.0.0.1, ::1, localhost).</summary>
    public IReadOnlyList<string> RedirectUrls { get; init; } = [];

    /// <summary>The scopes the app has applied for; null takes any well-formed scope.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>
    /// The field permissions user_info answers by (<see cref="UserInfoFields"/>); null grants all four, the sandbox
    /// default, so a sign-in gets email, enterprise_email, user_id and mobile.
    /// </summary>
    public IReadOnlyList<string>? UserInfoFieldScopes { get; init; }

    /// <summary>The users (open_id, user_id or email) the app is available to; null is everyone.</summary>
    public IReadOnlyList<string>? AvailableTo { get; init; }
}

/// <summary>The field permissions that decide which user_info fields appear (authen user_info page).</summary>
public static class UserInfoFields
{
    public const string Email = "contact:user.email:readonly";
    public const string EnterpriseEmail = "contact:user.employee:readonly";
    public const string UserId = "contact:user.employee_id:readonly";
    public const string Mobile = "contact:user.phone:readonly";

    public static readonly IReadOnlyList<string> All = [Email, EnterpriseEmail, UserId, Mobile];
}

/// <summary>Every app's <see cref="OAuthAppSettings"/>; kept in the state file's <c>authen</c> section.</summary>
internal sealed class OAuthSettingsStore(EmulatorState state)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, OAuthAppSettings> _byApp = new(StringComparer.Ordinal);

    /// <summary>The app's settings, or the defaults when none were set.</summary>
    public OAuthAppSettings For(string appId)
    {
        lock (_gate)
        {
            return _byApp.GetValueOrDefault(appId) ?? new OAuthAppSettings(appId);
        }
    }

    public OAuthAppSettings? Configured(string appId)
    {
        lock (_gate)
        {
            return _byApp.GetValueOrDefault(appId);
        }
    }

    public OAuthAppSettings Set(OAuthAppSettings settings)
    {
        lock (_gate)
        {
            _byApp[settings.AppId] = settings;
            state.Revision.Advance();
            return settings;
        }
    }

    public bool Remove(string appId)
    {
        lock (_gate)
        {
            var removed = _byApp.Remove(appId);
            if (removed)
            {
                state.Revision.Advance();
            }

            return removed;
        }
    }

    public IReadOnlyList<OAuthAppSettings> Export()
    {
        lock (_gate)
        {
            return [.. _byApp.Values];
        }
    }

    public void Restore(IEnumerable<OAuthAppSettings> settings)
    {
        lock (_gate)
        {
            foreach (var item in settings)
            {
                _byApp[item.AppId] = item;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="redirect"/> may receive codes: it matches an allow-list entry on scheme, host, port and path
    /// (its query may differ; a fragment is kept), or — with an empty list — it is a loopback http(s) URL.
    /// </summary>
    public bool AllowsRedirect(string appId, Uri redirect)
    {
        var allowed = For(appId).RedirectUrls;
        if (allowed.Count == 0)
        {
            return redirect.Scheme is "http" or "https" && (redirect.IsLoopback || string.Equals(redirect.Host, "localhost", StringComparison.OrdinalIgnoreCase));
        }

        var path = redirect.GetLeftPart(UriPartial.Path);
        return allowed.Any(entry => IsRedirectUrl(entry) && Uri.TryCreate(entry, UriKind.Absolute, out var registered)
            && string.Equals(registered.GetLeftPart(UriPartial.Path), path, StringComparison.Ordinal));
    }

    /// <summary>An absolute http(s) URL (on Linux "/callback" parses as an absolute file: URI, so the scheme is checked).</summary>
    public static bool IsRedirectUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    public bool HasApplied(string appId, string scope) =>
        For(appId).Scopes is not { } applied || applied.Contains(scope, StringComparer.Ordinal);

    public bool ShowsField(string appId, string fieldScope) =>
        For(appId).UserInfoFieldScopes is not { } fields || fields.Contains(fieldScope, StringComparer.Ordinal);

    public bool IsAvailableTo(string appId, EmulatorUser user) =>
        For(appId).AvailableTo is not { } users
        || users.Any(reference => reference == user.OpenId || reference == user.UserId || string.Equals(reference, user.Email, StringComparison.OrdinalIgnoreCase));
}
