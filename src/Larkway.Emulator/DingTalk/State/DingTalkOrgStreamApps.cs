using System.Security.Cryptography;
using System.Text;
using Larkway.Emulator.DingTalk.Stream;

namespace Larkway.Emulator.DingTalk.State;

/// <summary>
/// Stream connections for the org's apps: the app whose tokens, robots and users the other endpoints serve opens
/// Stream connections with the same AppKey and AppSecret, as on DingTalk, and its EVENTs carry the org's corpId. The
/// Stream options' own app is still admitted.
/// </summary>
internal sealed class DingTalkOrgStreamApps(DingTalkOrg org, IDingTalkStreamApps fallback) : IDingTalkStreamApps
{
    public bool TryAuthenticate(string clientId, string clientSecret, out string appKey)
    {
        if (org.FindApp(clientId) is { } app)
        {
            appKey = app.AppKey;
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(app.AppSecret));
        }

        return fallback.TryAuthenticate(clientId, clientSecret, out appKey);
    }

    // An app of the org is in the org's corp, the one its token, sign-in and HTTP callbacks name too.
    public string? CorpIdOf(string appKey) => org.FindApp(appKey) is not null ? org.CorpId : fallback.CorpIdOf(appKey);
}
