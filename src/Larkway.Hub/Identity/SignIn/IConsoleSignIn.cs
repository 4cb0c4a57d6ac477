using Larkway.Hub.Directory;
using Microsoft.AspNetCore.Http;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>
/// Where a sign-in for the admin console goes on once the broker knows the person. The console implements it
/// (<c>AdminConsole/Auth/ConsoleBrokerSignIn.cs</c>), so the broker does not depend on the console; a host without the
/// console has none, and a console sign-in there ends on an error page.
/// </summary>
internal interface IConsoleSignIn
{
    /// <summary>The console's path: a return URL outside it goes to the console's start instead.</summary>
    string Path { get; }

    /// <summary>Admits <paramref name="person"/> to the console (or answers why not) and sends the browser on.</summary>
    Task<IResult> ContinueAsync(HttpContext http, PersonRow person, string? returnUrl, CancellationToken cancellationToken);
}
