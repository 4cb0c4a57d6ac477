using Larkway.Hub.AdminConsole;
using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's admin console.</summary>
public static class HubConsoleServiceCollectionExtensions
{
    /// <summary>A console session ends after this long unused (<c>Larkway:Console:SessionIdle</c>).</summary>
    public static readonly TimeSpan DefaultSessionIdle = TimeSpan.FromHours(8);

    /// <summary>A console session ends this long after sign-in, however it is used (<c>Larkway:Console:SessionLifetime</c>).</summary>
    public static readonly TimeSpan DefaultSessionLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// Adds the server-rendered console at <c>/console</c> (Razor Pages under <c>AdminConsole/Pages</c>): cookie sign-in
    /// for the bootstrap administrator, antiforgery on every POST, the audit log. Needs <c>AddHubStorage</c>,
    /// <c>AddHubAuth</c>, <c>AddHubNotifications</c>, <c>AddHubWebhooks</c> and <c>AddHubInbox</c>.
    /// </summary>
    public static IServiceCollection AddHubConsole(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConsoleAdminCredential>();
        services.AddHostedService<ConsoleAdminStartup>();
        services.TryAddSingleton<SignInThrottle>();
        services.TryAddSingleton<ConsoleSessions>();
        services.TryAddSingleton<ConsoleAdmins>();
        services.TryAddSingleton<Larkway.Hub.Identity.SignIn.IConsoleSignIn, ConsoleBrokerSignIn>();
        services.TryAddSingleton<IAuditLog, DbAuditLog>();
        services.TryAddSingleton<ConsoleQueries>();
        services.TryAddSingleton<AssistantConsoleQueries>();
        services.TryAddScoped<ConsoleCallers>();
        services.TryAddScoped<ConsolePeople>();

        services.AddAuthentication()
            .AddCookie(ConsoleSite.Scheme, o =>
            {
                o.Cookie.Name = "larkway_console";
                o.Cookie.Path = ConsoleSite.Path;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = DefaultSessionIdle;
                o.SlidingExpiration = true;
                o.LoginPath = ConsoleSite.Path + "/sign-in";
                o.LogoutPath = ConsoleSite.Path + "/sign-out";
                o.AccessDeniedPath = ConsoleSite.Path + "/sign-in";
            });
        services.AddOptions<ConsoleSessionOptions>().BindConfiguration(ConsoleSessionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsoleSessionOptions>, ConsoleSessionOptionsValidator>());
        services.AddOptions<CookieAuthenticationOptions>(ConsoleSite.Scheme).Configure<IOptions<ConsoleSessionOptions>, TimeProvider>((o, sessions, time) =>
        {
            // Idle expiry slides with use; the absolute lifetime, counted from sign-in, does not.
            o.ExpireTimeSpan = sessions.Value.SessionIdle;
            var lifetime = sessions.Value.SessionLifetime;
            o.TimeProvider = time;
            o.Events.OnValidatePrincipal = context => context.HttpContext.RequestServices.GetRequiredService<ConsoleSessions>().ValidateAsync(context, lifetime);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleSite.Policy, p => p.AddAuthenticationSchemes(ConsoleSite.Scheme).RequireAuthenticatedUser())
            .AddPolicy(ConsoleSite.PayloadPolicy, p => p.AddAuthenticationSchemes(ConsoleSite.Scheme).RequireAuthenticatedUser().RequireRole(ConsoleSite.AdminRole));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "larkway_console_csrf";
            o.Cookie.Path = ConsoleSite.Path;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "X-CSRF-Token";
        });
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/AdminConsole/Pages";
            o.Conventions.AuthorizeFolder("/", ConsoleSite.Policy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.ConfigureFilter(new ConsolePageGuard());
            o.Conventions.ConfigureFilter(new ConsoleFormExpired());
        });
        return services;
    }
}
