using Larkway.Hub.Identity;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Keys;
using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Identity.Sessions;
using Larkway.Hub.Identity.SignIn;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's sign-in broker (an OpenID Connect provider for the company's internal web apps).</summary>
public static class HubIdentityServiceCollectionExtensions
{
    /// <summary>
    /// Adds the broker (reads <c>Larkway:Identity</c>): clients, sessions and grants in the Hub database, signing keys
    /// protected by the Hub's Data Protection key ring and rotated by a leased job, the broker's session cookie, and
    /// the console's administrators. Needs <c>AddHubStorage</c>, <c>AddHubLeases</c>, <c>AddHubAuth</c> and
    /// <c>AddHubDirectory</c>; the platforms' rooms supply the sign-in legs (<see cref="ISignInLeg"/>). Map with <c>MapHubIdentity</c>.
    /// </summary>
    public static IServiceCollection AddHubIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<IdentityOptions>().Bind(configuration.GetSection(IdentityOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHubDataProtection();

        services.TryAddSingleton<ClientStore>();
        services.TryAddSingleton<ClientService>();
        services.TryAddSingleton<ClientAuthentication>();
        services.TryAddSingleton<SessionStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Larkway.Hub.Directory.IDirectoryDeactivationObserver, SessionsOfDeactivatedPeople>());
        services.TryAddSingleton<GrantStore>();
        services.TryAddSingleton<SigningKeys>();
        services.TryAddSingleton<TokenIssuer>();
        services.TryAddSingleton<PersonGroups>();
        services.TryAddSingleton<AuthorizeService>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<SignInState>();
        services.TryAddSingleton<SignInCorrelation>();

        // Each platform's sign-in leg is a piece of its unit; a platform without one offers no button.
        services.AddPlatformSeam<ISignInLeg>();
        services.TryAddSingleton<BrokerSignIn>();
        services.AddHubJob<SigningKeyRotation>();
        services.AddHubJob<SessionPurge>();

        services.AddAuthentication().AddCookie(IdentitySite.Scheme, o =>
        {
            o.Cookie.Name = IdentitySite.SessionCookie;
            o.Cookie.Path = IdentitySite.Path;
            o.Cookie.HttpOnly = true;

            // Lax: the broker's cookie must come along when an app sends the browser to /oidc/authorize (a top-level
            // navigation from another site); cross-site posts and sub-requests never carry it.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = false;
        });
        services.AddOptions<CookieAuthenticationOptions>(IdentitySite.Scheme).Configure<IOptions<IdentityOptions>, TimeProvider>((o, identity, time) =>
        {
            o.ExpireTimeSpan = identity.Value.SessionLifetime;
            o.TimeProvider = time;
        });
        return services;
    }
}
