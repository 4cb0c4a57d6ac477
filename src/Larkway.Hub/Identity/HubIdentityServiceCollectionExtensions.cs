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
    /// the console's Feishu administrators. Needs <c>AddHubStorage</c>, <c>AddHubLeases</c>, <c>AddHubAuth</c>,
    /// <c>AddHubDirectory</c> and a Feishu client for the sign-in app; map with <c>MapHubIdentity</c>.
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
        services.TryAddSingleton<IFeishuSignIn, FeishuClientSignIn>();
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
        // The Feishu leg: Larkway.Feishu.AspNetCore's handler (state, correlation, PKCE, exchange, user_info), whose result
        // a short-lived cookie holds until /oidc/feishu/done has made the broker's session of it.
        services.AddAuthentication()
            .AddCookie(IdentitySite.FeishuResultScheme, o =>
            {
                o.Cookie.Name = "larkway_sso_feishu";
                o.Cookie.Path = IdentitySite.Path + "/feishu";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                o.SlidingExpiration = false;
            })
            .AddFeishu(IdentitySite.FeishuScheme, "Feishu", o =>
            {
                o.SignInScheme = IdentitySite.FeishuResultScheme;
                o.CallbackPath = IdentitySite.FeishuCallbackPath;
                o.AccessDeniedPath = IdentitySite.FeishuDeniedPath;
                o.CorrelationCookie.Path = IdentitySite.Path + "/feishu";
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events.OnRedirectToAuthorizationEndpoint = context =>
                {
                    // Real Feishu's QR login: the QR SDK on a page of the Hub, with the handler's QR page URL as its goto.
                    if (context.Properties.Items.TryGetValue(IdentitySite.QrItem, out var qr) && qr == "sdk")
                    {
                        return SignInPages.QrSdk(context.RedirectUri).ExecuteAsync(context.HttpContext);
                    }

                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
                o.Events.OnRemoteFailure = async context =>
                {
                    context.HandleResponse();
                    var logger = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Logging.ILogger<BrokerSignIn>>();
                    BrokerSignIn.LogLegFailed(logger, context.Failure?.Message ?? "unknown");
                    await SignInPages.Error("Feishu did not sign you in", FeishuLegFailure.Describe(context.Failure), FeishuLegFailure.StatusOf(context.Failure))
                        .ExecuteAsync(context.HttpContext).ConfigureAwait(false);
                };
            });
        services.AddOptions<Larkway.Feishu.AspNetCore.Authentication.FeishuAuthenticationOptions>(IdentitySite.FeishuScheme).Configure<IOptions<IdentityOptions>>((o, identity) =>
            o.AppName = identity.Value.FeishuAppName is { Length: > 0 } app ? app : null);
        services.AddOptions<CookieAuthenticationOptions>(IdentitySite.Scheme).Configure<IOptions<IdentityOptions>, TimeProvider>((o, identity, time) =>
        {
            o.ExpireTimeSpan = identity.Value.SessionLifetime;
            o.TimeProvider = time;
        });
        return services;
    }
}
