using Larkway.Feishu;
using Larkway.Hub.Apps;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu;

/// <summary>
/// "Test connection" for a Feishu or Lark app: a tenant token fetched with its credentials, then its bot read, with a
/// throwaway client that does not retry and gives up soon, so a wrong secret answers at once with Feishu's own code,
/// message and log id.
/// </summary>
internal sealed class FeishuConnectionTest(ILoggerFactory loggerFactory, TimeProvider time) : IPlatformConnectionTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public async Task<HubAppTestResult> RunAsync(StoredApp app, CancellationToken cancellationToken)
    {
        var options = new FeishuAppOptions { AppId = app.AppId, AppSecret = app.AppSecret, BaseUrl = app.BaseUrl, Timeout = Timeout };
        options.Retry.MaxRetries = 0;
        FeishuClient client;
        try
        {
            // Not from IFeishuClientFactory: the credentials under test may not be stored (or enabled) yet, the client
            // must not retry and must give up soon, and it is thrown away at once — so it is unnamed and off the
            // container's meters, its one call not counted as an app's traffic.
            client = new FeishuClient(options, loggerFactory, time);
        }
        catch (ArgumentException ex)
        {
            return HubAppTestResult.Failed("The stored settings are not usable: " + ex.Message);
        }

        using (client)
        {
            try
            {
                // The first call fetches a tenant_access_token with the app id and secret, then reads the bot.
                var bot = await client.Bot.GetInfoAsync(cancellationToken).ConfigureAwait(false);
                return new HubAppTestResult(true, new HubAppBot(bot.AppName, bot.OpenId, bot.ActivateStatus, bot.IsActivated, bot.AvatarUrl),
                    Hint: bot.IsActivated ? null : "The bot is not activated in the tenant (activate_status " + bot.ActivateStatus + "): publish the app version and have an admin approve it.");
            }
            catch (FeishuApiException ex) when (ex.Code is FeishuErrorCodes.NetworkError or FeishuErrorCodes.Timeout)
            {
                return new HubAppTestResult(false, Code: ex.Code, Msg: ex.ErrorMessage,
                    Error: (ex.Code == FeishuErrorCodes.Timeout ? "No answer from " : "Cannot reach ") + options.BaseUrl.AbsoluteUri + ": " + (ex.InnerException?.Message ?? ex.ErrorMessage),
                    Hint: "Check base_url and that this Hub can reach it (proxy, firewall, DNS).");
            }
            catch (FeishuApiException ex)
            {
                return new HubAppTestResult(false, Code: ex.Code, Msg: ex.ErrorMessage, LogId: ex.RequestId, HttpStatus: (int?)ex.HttpStatus, Hint: HintFor(ex.Code));
            }
            catch (HttpRequestException ex)
            {
                return new HubAppTestResult(false, Error: "Cannot reach " + options.BaseUrl.AbsoluteUri + ": " + ex.Message);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new HubAppTestResult(false, Error: "No answer from " + options.BaseUrl.AbsoluteUri + " within " + Timeout.TotalSeconds + " s.");
            }
        }
    }

    private static string? HintFor(int code) => code switch
    {
        FeishuErrorCodes.WrongAppSecret => "The App Secret does not match the App ID: copy it again from the developer console (Credentials & Basic Info).",
        FeishuErrorCodes.AppUnavailable or FeishuErrorCodes.TenantAccessTokenFailed or FeishuErrorCodes.AppAccessTokenFailed =>
            "Feishu refused the credentials: check the App ID and App Secret, and that the app is enabled.",
        FeishuErrorCodes.IpDenied => "The app's IP allowlist does not include this Hub's address.",
        FeishuErrorCodes.PathNotFound => "base_url does not look like the Open Platform (or the Emulator).",
        _ => null,
    };
}
