using Larkway.Feishu;
using Microsoft.AspNetCore.Http;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>
/// How a failed Feishu leg is answered: Feishu unreachable or failing (a network error, a timeout, a 5xx, an answer
/// that cannot be read) is the Hub's upstream failing, 502; anything else — a state or correlation that does not check
/// out, a code Feishu refused — is the request's fault, 400 (a forged or replayed callback is not an outage).
/// </summary>
internal static class FeishuLegFailure
{
    public static int StatusOf(Exception? failure) =>
        IsOutage(failure) ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest;

    public static bool IsOutage(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case FeishuApiException api:
                    return api.IsTransient || api.Code == FeishuErrorCodes.MalformedResponse || api.HttpStatus is { } s && (int)s >= 500;
                case HttpRequestException or TimeoutException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>What the person is told: Feishu's refusal as the handler words it (codes and messages, never a token), or that Feishu is unreachable.</summary>
    public static string Describe(Exception? failure) => IsOutage(failure)
        ? "Feishu could not be reached or did not answer properly. Try again in a moment."
        : (failure?.Message ?? "The sign-in with Feishu failed.") + " Go back to the app and sign in again.";
}
