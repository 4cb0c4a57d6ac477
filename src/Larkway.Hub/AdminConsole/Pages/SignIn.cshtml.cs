using System.Globalization;
using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class SignInModel(ConsoleAdminCredential credential, SignInThrottle throttle, ConsoleSessions sessions, IAuditLog audit, TimeProvider time) : ConsolePageModel(audit)
{
    [BindProperty]
    public string? UserName { get; set; } = ConsoleAdminCredential.UserName;

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    /// <summary>Where the bootstrap password is ("is in data/first-start-secrets.txt"), so a newcomer can find it.</summary>
    public string PasswordWhere { get; private set; } = "";

    /// <summary>The file holding the password when <see cref="PasswordWhere"/> names one, shown unbroken.</summary>
    public string? PasswordFile => PasswordWhere.StartsWith(InFile, StringComparison.Ordinal) ? PasswordWhere[InFile.Length..] : null;

    private const string InFile = "is in ";

    public async Task OnGetAsync() => PasswordWhere = await credential.WhereIsPasswordAsync(HttpContext.RequestAborted).ConfigureAwait(false);

    public async Task<IActionResult> OnPostAsync()
    {
        PasswordWhere = await credential.WhereIsPasswordAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        var address = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.LockedUntil(address) is { } until)
        {
            Error = $"Too many failed sign-ins from your address. Try again after {until.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        if (!await credential.VerifyAsync(UserName, Password, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            throttle.Failed(address);
            await Audit.WriteAsync(HttpContext, "console.sign_in_failed", UserName ?? "", null, HttpContext.RequestAborted, actor: "anonymous").ConfigureAwait(false);
            Error = "Wrong user name or password.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        throttle.Succeeded(address);
        var principal = await sessions.PrincipalAsync(ConsoleAdminCredential.UserName, HttpContext.RequestAborted).ConfigureAwait(false);
        await HttpContext.SignInAsync(ConsoleSite.Scheme, principal, new AuthenticationProperties { IssuedUtc = time.GetUtcNow() }).ConfigureAwait(false);
        await Audit.WriteAsync(HttpContext, "console.sign_in", ConsoleAdminCredential.UserName, null, HttpContext.RequestAborted, actor: "console:" + ConsoleAdminCredential.UserName).ConfigureAwait(false);

        // Only local console paths: never an open redirect.
        return LocalRedirect(ReturnUrl is { } url && url.StartsWith(ConsoleSite.Path, StringComparison.Ordinal) && Url.IsLocalUrl(url) ? url : ConsoleSite.Path);
    }
}
