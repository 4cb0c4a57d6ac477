using System.Globalization;
using Larkway.Hub.Apps;
using Larkway.WeCom;

namespace Larkway.Hub.WeCom;

/// <summary>
/// "Test connection" for a WeCom app: an access token fetched with the corp id and Secret, then one cheap call (the
/// members of the root department the app can see, <c>user/simplelist</c>), with a throwaway client that does not retry —
/// so a wrong Secret or an untrusted IP (60020) answers at once with WeCom's errcode, errmsg and the library's hint.
/// </summary>
internal sealed class WeComConnectionTest(WeComClientFactory clients) : IPlatformConnectionTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The root department (id 1), whose visible members the test counts.</summary>
    private const long RootDepartment = 1;

    /// <inheritdoc />
    public async Task<HubAppTestResult> RunAsync(StoredApp app, CancellationToken cancellationToken)
    {
        var options = HubWeComClients.OptionsOf(app);
        WeComClient client;
        try
        {
            // Built like the app's own client (the library's factory), but not from HubWeComClients' cache: the app may be about to change.
            client = clients.CreateClient(app.Name, o =>
            {
                HubWeComClients.Apply(app, o);
                o.Timeout = Timeout;
                o.Retry.MaxRetries = 0;
            });
        }
        catch (Exception ex) when (ex is ArgumentException or WeComApiException)
        {
            return HubAppTestResult.Failed("The stored settings are not usable: " + ex.Message);
        }

        using (client)
        {
            try
            {
                await client.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WeComApiException ex)
            {
                return Refused(ex, options, "gettoken");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return NoAnswer(options);
            }

            try
            {
                var members = await client.Users.ListDepartmentMembersAsync(RootDepartment, cancellationToken).ConfigureAwait(false);
                // Only the root department's own members are listed (not its sub-departments'): none is no sign of an empty
                // visible range, so the test says what it read and nothing more.
                return new HubAppTestResult(true, Msg: string.Create(CultureInfo.InvariantCulture,
                    $"Access token fetched; the member list of the root department answered ({members.Count} member(s) directly in it visible to the app)."));
            }
            catch (WeComApiException ex) when (ex.Code is "60011" or WeComErrorCodes.ApiForbidden)
            {
                // The token works; only the directory is outside the app's range — sends still work, look-ups may not.
                return new HubAppTestResult(true, Code: ex.ErrCode, Msg: ex.ErrorMessage,
                    Hint: "Connected, but the app cannot list the root department (" + ex.Code + "): recipients given by email or mobile are found only inside the app's visible range (可见范围).");
            }
            catch (WeComApiException ex)
            {
                return Refused(ex, options, "user/simplelist");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return NoAnswer(options);
            }
        }
    }

    private static HubAppTestResult Refused(WeComApiException ex, WeComAppOptions options, string call) =>
        ex.Code is WeComErrorCodes.NetworkError or WeComErrorCodes.Timeout
            ? new HubAppTestResult(false, Msg: ex.ErrorMessage,
                Error: (ex.Code == WeComErrorCodes.Timeout ? "No answer from " : "Cannot reach ") + options.ApiBaseUrl.AbsoluteUri + ": " + (ex.InnerException?.Message ?? ex.ErrorMessage),
                Hint: "Check base_url and that this Hub can reach WeCom (proxy, firewall, DNS).")
            : new HubAppTestResult(false, Code: ex.ErrCode, Msg: $"{call}: {ex.Code}: {ex.ErrorMessage}", LogId: ex.RequestId, HttpStatus: (int?)ex.HttpStatus,
                Hint: ex.Hint ?? (ex.Code is WeComErrorCodes.InvalidSecret or WeComErrorCodes.InvalidCorpId or "40091"
                    ? "WeCom refused the credentials: copy the corp id (我的企业 → 企业信息) and the app's Secret again."
                    : null));

    private static HubAppTestResult NoAnswer(WeComAppOptions options) =>
        new(false, Error: "No answer from " + options.ApiBaseUrl.AbsoluteUri + " within " + Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s.");
}
