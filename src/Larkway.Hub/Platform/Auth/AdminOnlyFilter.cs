using Larkway.Hub.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Platform.Auth;

/// <summary>
/// An endpoint filter for APIs only the admin key may call: the admin key passes, a business system's valid API key
/// gets 403 (it is known, just not allowed), anything else 401.
/// </summary>
internal static class AdminOnlyFilter
{
    /// <param name="manages">What only the admin key does, for the 403 ("manages Feishu apps", "lists and replays inbox events").</param>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> For(string manages) =>
        async (context, next) =>
        {
            var http = context.HttpContext;
            if (BearerAuth.Locked(http) is { } locked)
            {
                return locked;
            }

            var presented = BearerAuth.Token(http.Request);
            if (presented is not null)
            {
                if (await http.RequestServices.GetRequiredService<HubAdminKey>().VerifyAsync(presented, http.RequestAborted).ConfigureAwait(false))
                {
                    BearerAuth.Accepted(http);
                    return await next(context).ConfigureAwait(false);
                }

                if (presented.StartsWith(ApiKeyStore.SecretPrefix, StringComparison.Ordinal)
                    && http.RequestServices.GetService<ApiKeyStore>() is { } keys
                    && await keys.FindAsync(presented, http.RequestAborted).ConfigureAwait(false) is not null)
                {
                    BearerAuth.Accepted(http);
                    return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: $"Only the admin key {manages}.");
                }
            }

            return BearerAuth.Refuse(http, presented, "Admin key", "Send the Hub's admin key as 'Authorization: Bearer <key>'.");
        };
}
