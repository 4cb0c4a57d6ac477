using System.Security.Cryptography;
using System.Text;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>
/// The apps allowed to open Stream connections. The emulator's DingTalk org can register its own implementation
/// (registered before the Stream services, it replaces the default).
/// </summary>
public interface IDingTalkStreamApps
{
    /// <summary>True when the pair is an app's credentials; <paramref name="appKey"/> is then the app the connection belongs to.</summary>
    bool TryAuthenticate(string clientId, string clientSecret, out string appKey);

    /// <summary>The corp (organisation) <paramref name="appKey"/> belongs to, as its EVENTs name it in <c>eventCorpId</c>; null for an unknown app.</summary>
    string? CorpIdOf(string appKey);
}

/// <summary>One app, from <see cref="DingTalkStreamOptions.ClientId"/> and <see cref="DingTalkStreamOptions.ClientSecret"/>.</summary>
public sealed class DefaultDingTalkStreamApps(DingTalkStreamOptions options) : IDingTalkStreamApps
{
    public bool TryAuthenticate(string clientId, string clientSecret, out string appKey)
    {
        appKey = options.ClientId;

        // Both compared in constant time so a wrong id and a wrong secret take the same time.
        var idMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientId), Encoding.UTF8.GetBytes(options.ClientId));
        var secretMatches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(options.ClientSecret));
        return idMatches & secretMatches;
    }

    public string? CorpIdOf(string appKey) => appKey == options.ClientId ? options.CorpId : null;
}
