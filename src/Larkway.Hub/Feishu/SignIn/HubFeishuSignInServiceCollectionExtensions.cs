using Larkway.Feishu.AspNetCore.Authentication;
using Larkway.Hub.Feishu.SignIn;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.SignIn;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Feishu's sign-in leg for the Hub's sign-in broker.</summary>
internal static class HubFeishuSignInServiceCollectionExtensions
{
    /// <summary>
    /// Supplies Feishu's <see cref="ISignInLeg"/> and adds its handler: Larkway.Feishu.AspNetCore's <c>AddFeishu</c> (state,
    /// correlation, PKCE, exchange, user_info), whose result a short-lived cookie holds until <c>/oidc/feishu/done</c> has
    /// made the broker's session of it. <see cref="AddHubFeishu"/> calls it.
    /// </summary>
    public static IServiceCollection AddHubFeishuSignIn(this IServiceCollection services)
    {
        services.AddHubPlatformUnit(Larkway.Channels.Messages.ChannelPlatform.Feishu).Supply<ISignInLeg, FeishuSignInLeg>();
        services.AddAuthentication()
            .AddCookie(FeishuSignInLeg.ResultScheme, o =>
            {
                o.Cookie.Name = "larkway_sso_feishu";
                o.Cookie.Path = IdentitySite.Path + "/feishu";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                o.SlidingExpiration = false;
            })
            .AddFeishu(FeishuSignInLeg.Scheme, "Feishu", o =>
            {
                o.SignInScheme = FeishuSignInLeg.ResultScheme;
                o.CallbackPath = FeishuSignInLeg.CallbackPath;
                o.AccessDeniedPath = FeishuSignInLeg.DeniedPath;
                o.CorrelationCookie.Path = IdentitySite.Path + "/feishu";
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events.OnRedirectToAuthorizationEndpoint = context =>
                {
                    // Real Feishu's QR login: the QR SDK on a page of the Hub, with the handler's QR page URL as its goto.
                    if (context.Properties.Items.TryGetValue(FeishuSignInLeg.QrItem, out var qr) && qr == "sdk")
                    {
                        return FeishuSignInLeg.QrSdkPage(context.RedirectUri).ExecuteAsync(context.HttpContext);
                    }

                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
                // Only a sign-in started to connect one's documents keeps the person's token (the assistant's access check).
                o.Events.OnCreatingTicket = Larkway.Hub.Feishu.Docs.FeishuDocsConnect.KeepTokenAsync;
                o.Events.OnRemoteFailure = async context =>
                {
                    context.HandleResponse();
                    var logger = context.HttpContext.RequestServices.GetRequiredService<ILogger<BrokerSignIn>>();
                    BrokerSignIn.LogLegFailed(logger, "Feishu", context.Failure?.Message ?? "unknown");
                    await SignInPages.Error("Feishu did not sign you in", FeishuSignInLeg.Describe(context.Failure), FeishuSignInLeg.StatusOf(context.Failure))
                        .ExecuteAsync(context.HttpContext).ConfigureAwait(false);
                };
            });
        services.AddOptions<FeishuAuthenticationOptions>(FeishuSignInLeg.Scheme).Configure<IOptions<IdentityOptions>>((o, identity) =>
            o.AppName = FeishuSignInLeg.AppOf(identity.Value) is { Length: > 0 } app ? app : null);
        return services;
    }

    /// <summary>Serves the QR SDK page's script (<see cref="FeishuSignInLeg.QrScriptPath"/>).</summary>
    public static void MapHubFeishuSignIn(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(FeishuSignInLeg.QrScriptPath, () => SignInEndpoints.Script("qr-login.js")).AllowAnonymous().WithName("BrokerQrScript");
}
