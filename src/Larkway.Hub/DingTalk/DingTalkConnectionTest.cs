using Larkway.DingTalk;
using Larkway.Hub.Apps;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// "Test connection" for a DingTalk app: both of its access tokens (the new API's and the old one's, which the Hub's
/// sends and look-ups use) fetched with a throwaway client that does not retry, so a wrong AppSecret answers at once
/// with DingTalk's own code, message and request id.
/// </summary>
internal sealed class DingTalkConnectionTest(DingTalkClientFactory clients) : IPlatformConnectionTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public async Task<HubAppTestResult> RunAsync(StoredApp app, CancellationToken cancellationToken)
    {
        var options = HubDingTalkClients.OptionsOf(app);
        DingTalkClient client;
        try
        {
            // Built like the app's own client (the library's factory), but not cached: the app may be about to change.
            client = clients.CreateClient(app.Name, o =>
            {
                HubDingTalkClients.Apply(app, o);
                o.Timeout = Timeout;
                o.Retry.MaxRetries = 0;
            });
        }
        catch (ArgumentException ex)
        {
            return HubAppTestResult.Failed("The stored settings are not usable: " + ex.Message);
        }

        using (client)
        {
            try
            {
                await client.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
                await client.GetOldApiAccessTokenAsync(cancellationToken).ConfigureAwait(false);
                return new HubAppTestResult(true, Hint: options.AgentId is null
                    ? "Connected. Set agent_id (the app's basic information page) for work notifications."
                    : null);
            }
            catch (DingTalkApiException ex) when (ex.Code is DingTalkErrorCodes.NetworkError or DingTalkErrorCodes.Timeout)
            {
                return new HubAppTestResult(false, Msg: ex.ErrorMessage,
                    Error: (ex.Code == DingTalkErrorCodes.Timeout ? "No answer from " : "Cannot reach ") + options.ApiBaseUrl.AbsoluteUri + ": " + (ex.InnerException?.Message ?? ex.ErrorMessage),
                    Hint: "Check base_url and that this Hub can reach DingTalk (proxy, firewall, DNS).");
            }
            catch (DingTalkApiException ex)
            {
                return new HubAppTestResult(false, Code: ex.ErrCode, Msg: $"{ex.Code}: {ex.ErrorMessage}", LogId: ex.RequestId, HttpStatus: (int?)ex.HttpStatus,
                    Hint: ex.Message.Contains("AppSecret", StringComparison.Ordinal) || ex.Code is "invalidClientIdOrSecret" or "authFailed" or "40089" or "40001"
                        ? "DingTalk refused the credentials: copy the AppKey (Client ID) and AppSecret (Client Secret) again from the app's credentials page."
                        : null);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new HubAppTestResult(false, Error: "No answer from " + options.ApiBaseUrl.AbsoluteUri + " within " + Timeout.TotalSeconds + " s.");
            }
        }
    }
}
