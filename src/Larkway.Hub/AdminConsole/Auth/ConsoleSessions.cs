using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Larkway.Hub.Platform.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.AdminConsole.Auth;

/// <summary>
/// Console sessions that can be ended. Each cookie carries the administrator's security stamp (a random value in the
/// <c>hub_settings</c> row <see cref="StampSetting"/>) and when its holder signed in. Every request reads the stamp from the
/// database — a sign-out or password reset on any replica ends every session at once — and refuses a cookie older than
/// the absolute lifetime, however recently it was used (the idle expiry slides, this does not).
/// </summary>
internal sealed class ConsoleSessions(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
{
    /// <summary>The <c>hub_settings</c> row holding the administrator's security stamp.</summary>
    public const string StampSetting = "console_admin_security_stamp";

    public const string StampClaim = "larkway:security_stamp";

    public const string SignedInClaim = "larkway:signed_in";

    /// <summary>The Hub person id of an administrator who signed in with Feishu (absent for the bootstrap password).</summary>
    public const string PersonClaim = "larkway:person";

    /// <summary>The claims a new session's cookie holds; <paramref name="personId"/> for a Feishu sign-in.</summary>
    public async Task<ClaimsPrincipal> PrincipalAsync(string userName, CancellationToken cancellationToken, string? personId = null)
    {
        var stamp = await StampAsync(cancellationToken).ConfigureAwait(false);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, userName),

            // Console users are administrators: the bootstrap one and those granted in the console (ConsoleSite.PayloadPolicy asks for the role).
            new Claim(ClaimTypes.Role, ConsoleSite.AdminRole),
            new Claim(StampClaim, stamp),
            new Claim(SignedInClaim, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ], ConsoleSite.Scheme);
        if (personId is not null)
        {
            identity.AddClaim(new Claim(PersonClaim, personId));
        }

        return new ClaimsPrincipal(identity);
    }

    /// <summary>Ends every session of the administrator: a new stamp, which no cookie carries.</summary>
    public async Task RevokeAllAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var stamp = NewStamp();
            var updated = await db.Settings.Where(s => s.Name == StampSetting)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Value, stamp).SetProperty(s => s.UpdatedAt, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            if (updated == 0)
            {
                await StampAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The cookie handler's check on every request: a current stamp, and younger than <paramref name="lifetime"/>.</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context, TimeSpan lifetime)
    {
        var principal = context.Principal;
        var cancellationToken = context.HttpContext.RequestAborted;
        var signedIn = long.TryParse(principal?.FindFirstValue(SignedInClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : (DateTimeOffset?)null;
        var presented = principal?.FindFirstValue(StampClaim);
        var current = signedIn is { } at && time.GetUtcNow() - at < lifetime && presented is not null
            && Same(presented, await StampAsync(cancellationToken).ConfigureAwait(false));

        // A Feishu sign-in lasts only while a grant still names the person and their account is active.
        if (current && principal?.FindFirstValue(PersonClaim) is { } person
            && context.HttpContext.RequestServices.GetService(typeof(ConsoleAdmins)) is ConsoleAdmins admins)
        {
            current = await admins.IsAdminAsync(person, cancellationToken).ConfigureAwait(false);
        }
        if (!current)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ConsoleSite.Scheme).ConfigureAwait(false);
        }
    }

    /// <summary>The current stamp, created on first use (race-safe: the row's name is its key).</summary>
    private async Task<string> StampAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await db.Settings.AsNoTracking().Where(s => s.Name == StampSetting).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return stored;
            }

            db.Settings.Add(new HubSetting { Name = StampSetting, Value = NewStamp(), UpdatedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // Another request or replica created it first; theirs is the stamp.
            }

            return await db.Settings.AsNoTracking().Where(s => s.Name == StampSetting).Select(s => s.Value).FirstAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    private static string NewStamp() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
}
