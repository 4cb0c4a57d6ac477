using System.Net;
using Microsoft.Extensions.Configuration;

namespace Larkway.Hub.Platform.Configuration;

/// <summary>How the Hub reaches Feishu.</summary>
public enum HubMode
{
    /// <summary>No credentials: an embedded Emulator plays Feishu, so a fresh machine shows a working bot.</summary>
    Sandbox,

    /// <summary>Feishu pushes events to <c>POST /feishu/events</c> and card actions to <c>POST /feishu/cards</c>.</summary>
    Webhook,

    /// <summary>The Hub holds Feishu's long connection; no public URL needed.</summary>
    LongConnection,

    /// <summary>
    /// No configured app and no sandbox (<c>LARKWAY_SANDBOX=off</c> without <c>FEISHU_APP_ID</c>): every app — DingTalk,
    /// WeCom or Feishu — is added at run time (the apps API, the console), so there is no default app. A company on
    /// DingTalk or WeCom alone runs the Hub so.
    /// </summary>
    AppsOnly,
}

/// <summary>
/// The Hub's settings from configuration and the environment (<c>FEISHU_*</c>, <c>LARKWAY_*</c>), checked
/// at start: a missing or contradictory setting stops the Hub with a message that says what to set.
/// </summary>
public sealed record HubSettings
{
    public HubMode Mode { get; init; }

    public string? AppId { get; init; }

    public string? AppSecret { get; init; }

    public string? EncryptKey { get; init; }

    public string? VerificationToken { get; init; }

    public Uri? BaseUrl { get; init; }

    /// <summary>
    /// Whether the app's old-style card callbacks are accepted (<c>FEISHU_LEGACY_CARD_CALLBACKS</c>, default true); false
    /// leaves only new-style <c>card.action.trigger</c> callbacks, which are signed with the Encrypt Key.
    /// </summary>
    public bool LegacyCardCallbacks { get; init; } = true;

    /// <summary>The port of the sandbox Emulator (<c>LARKWAY_EMULATOR_PORT</c>, default 8787; 0 picks a free one).</summary>
    public int EmulatorPort { get; init; } = 8787;

    /// <summary>Sandbox mode: the embedded Emulator also serves https/wss on this port (0 = any free one); null (default) = no TLS.</summary>
    public int? EmulatorHttpsPort { get; init; }

    /// <summary>
    /// Sandbox mode: the embedded Emulator also serves DingTalk's API at the root of this port, for clients that take only
    /// a host (<c>LARKWAY_EMULATOR_DINGTALK_API_PORT</c>; 0 = any free one); null (default) = only under <c>/dingtalk</c>.
    /// </summary>
    public int? EmulatorDingTalkApiPort { get; init; }

    /// <summary>
    /// Where Feishu and browsers reach the Hub (<c>LARKWAY_PUBLIC_URL</c>, e.g. https://hub.example.com behind a proxy): the
    /// origin of the URLs the Hub hands out. Null: taken from each request, whose Host header the caller chooses.
    /// </summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>
    /// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the Hub believes
    /// (<c>LARKWAY_TRUSTED_PROXIES</c>: IP addresses and CIDR networks, comma- or space-separated). Empty (the default): the
    /// headers are ignored, and the client is the connection's peer.
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>The origin for URLs handed out (no trailing slash): <see cref="PublicUrl"/>, else the request's.</summary>
    public string OriginFor(Microsoft.AspNetCore.Http.HttpRequest request) =>
        PublicUrl is { } url
            ? url.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>Reads and checks the settings.</summary>
    /// <exception cref="HubConfigurationException">A setting is missing, malformed or contradicts another.</exception>
    public static HubSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Read(string env, string key) =>
            configuration[env] is { Length: > 0 } fromEnv ? fromEnv : configuration[key] is { Length: > 0 } value ? value : null;

        var appId = Read("FEISHU_APP_ID", "Feishu:AppId");
        var appSecret = Read("FEISHU_APP_SECRET", "Feishu:AppSecret");
        var encryptKey = Read("FEISHU_ENCRYPT_KEY", "Larkway:Events:EncryptKey");
        var verificationToken = Read("FEISHU_VERIFICATION_TOKEN", "Larkway:Events:VerificationToken");
        var baseUrlText = Read("FEISHU_BASE_URL", "Feishu:BaseUrl");
        var modeText = Read("FEISHU_EVENT_MODE", "Larkway:Events:Mode");
        var portText = Read("LARKWAY_EMULATOR_PORT", "Larkway:Emulator:Port");
        var httpsPortText = Read("LARKWAY_EMULATOR_HTTPS_PORT", "Larkway:Emulator:HttpsPort");
        var dingTalkApiPortText = Read("LARKWAY_EMULATOR_DINGTALK_API_PORT", "Larkway:Emulator:DingTalkApiPort");
        var publicUrlText = Read("LARKWAY_PUBLIC_URL", "Larkway:PublicUrl");
        var legacyText = Read("FEISHU_LEGACY_CARD_CALLBACKS", "Larkway:Events:LegacyCardCallbacks");
        var trustedProxies = ParseTrustedProxies(Read("LARKWAY_TRUSTED_PROXIES", "Larkway:TrustedProxies"));
        var sandbox = ReadSandbox(Read("LARKWAY_SANDBOX", "Larkway:Sandbox"));

        if ((appId is null) != (appSecret is null))
        {
            throw new HubConfigurationException(appId is null
                ? "FEISHU_APP_SECRET is set but FEISHU_APP_ID is not. Set both (developer console → Credentials & Basic Info), or neither for sandbox mode."
                : "FEISHU_APP_ID is set but FEISHU_APP_SECRET is not. Set both (developer console → Credentials & Basic Info), or neither for sandbox mode.");
        }

        Uri? baseUrl = null;
        if (baseUrlText is not null && (!Uri.TryCreate(baseUrlText, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https")))
        {
            throw new HubConfigurationException($"FEISHU_BASE_URL '{baseUrlText}' is not an absolute http(s) URL, e.g. https://open.feishu.cn or https://open.larksuite.com.");
        }

        Uri? publicUrl = null;
        if (publicUrlText is not null && (!Uri.TryCreate(publicUrlText, UriKind.Absolute, out publicUrl) || publicUrl.Scheme is not ("http" or "https")
            || publicUrl.Query.Length > 0 || publicUrl.Fragment.Length > 0 || publicUrl.UserInfo.Length > 0))
        {
            throw new HubConfigurationException($"LARKWAY_PUBLIC_URL '{publicUrlText}' is not an absolute http(s) URL without query or credentials, e.g. https://hub.example.com (where Feishu reaches the Hub).");
        }

        var emulatorPort = 8787;
        if (portText is not null && (!int.TryParse(portText, System.Globalization.CultureInfo.InvariantCulture, out emulatorPort) || emulatorPort is < 0 or > 65535))
        {
            throw new HubConfigurationException($"LARKWAY_EMULATOR_PORT '{portText}' is not a port number (0–65535; 0 picks a free port).");
        }

        var emulatorHttpsPort = ExtraEmulatorPort("LARKWAY_EMULATOR_HTTPS_PORT", httpsPortText, [emulatorPort], "HTTP port", "unset = no TLS");
        var emulatorDingTalkApiPort = ExtraEmulatorPort("LARKWAY_EMULATOR_DINGTALK_API_PORT", dingTalkApiPortText, [emulatorPort, emulatorHttpsPort ?? 0],
            "HTTP and TLS ports", "unset = DingTalk only under /dingtalk");

        var legacyCardCallbacks = true;
        if (legacyText is not null && !bool.TryParse(legacyText, out legacyCardCallbacks))
        {
            throw new HubConfigurationException($"FEISHU_LEGACY_CARD_CALLBACKS '{legacyText}' is not valid; use 'true' (accept old-style card callbacks, the default) or 'false' (only new-style card.action.trigger callbacks, signed with the encrypt key).");
        }

        if (sandbox == true && appId is not null)
        {
            throw new HubConfigurationException("LARKWAY_SANDBOX is on but FEISHU_APP_ID is set: the sandbox plays Feishu with an app of its own. Unset FEISHU_APP_ID / FEISHU_APP_SECRET for the sandbox, or unset LARKWAY_SANDBOX to run with your app.");
        }

        if (appId is null && sandbox == false)
        {
            if (modeText is not null)
            {
                throw new HubConfigurationException($"FEISHU_EVENT_MODE is '{modeText}' but no FEISHU_APP_ID / FEISHU_APP_SECRET are set, and LARKWAY_SANDBOX is off: the Hub has no configured Feishu app whose events to receive. Unset FEISHU_EVENT_MODE (the apps added at run time say how they are reached), or set the app's credentials.");
            }

            return new HubSettings { Mode = HubMode.AppsOnly, PublicUrl = publicUrl, LegacyCardCallbacks = legacyCardCallbacks, TrustedProxies = trustedProxies };
        }

        if (appId is null)
        {
            if (modeText is not null && !modeText.Equals("sandbox", StringComparison.OrdinalIgnoreCase))
            {
                throw new HubConfigurationException($"FEISHU_EVENT_MODE is '{modeText}' but no FEISHU_APP_ID / FEISHU_APP_SECRET are set. Set the app's credentials, or unset FEISHU_EVENT_MODE for sandbox mode.");
            }

            return new HubSettings { Mode = HubMode.Sandbox, EmulatorPort = emulatorPort, EmulatorHttpsPort = emulatorHttpsPort, EmulatorDingTalkApiPort = emulatorDingTalkApiPort, PublicUrl = publicUrl, LegacyCardCallbacks = legacyCardCallbacks, TrustedProxies = trustedProxies };
        }

        var mode = (modeText ?? "webhook").ToLowerInvariant() switch
        {
            "webhook" => HubMode.Webhook,
            "long-connection" or "long_connection" or "longconnection" or "ws" => HubMode.LongConnection,
            _ => throw new HubConfigurationException($"FEISHU_EVENT_MODE '{modeText}' is not valid; use 'webhook' or 'long-connection'."),
        };

        if (mode == HubMode.Webhook && encryptKey is null && verificationToken is null)
        {
            throw new HubConfigurationException("Webhook mode needs FEISHU_ENCRYPT_KEY (recommended) and/or FEISHU_VERIFICATION_TOKEN to verify what Feishu sends (developer console → Events and callbacks → Encryption strategy). Or set FEISHU_EVENT_MODE=long-connection.");
        }

        return new HubSettings
        {
            Mode = mode,
            AppId = appId,
            AppSecret = appSecret,
            EncryptKey = encryptKey,
            VerificationToken = verificationToken,
            BaseUrl = baseUrl,
            EmulatorPort = emulatorPort,
            PublicUrl = publicUrl,
            LegacyCardCallbacks = legacyCardCallbacks,
            TrustedProxies = trustedProxies,
        };
    }

    /// <summary><c>LARKWAY_SANDBOX</c>: null when unset (the sandbox when no Feishu app is configured).</summary>
    /// <summary>A further listener's port of the sandbox Emulator: null when unset; 0 picks a free one; never one of <paramref name="taken"/>.</summary>
    private static int? ExtraEmulatorPort(string setting, string? text, int[] taken, string takenName, string unset)
    {
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535 || (port != 0 && taken.Contains(port)))
        {
            throw new HubConfigurationException($"{setting} '{text}' is not a port number other than the Emulator's {takenName} (0–65535; 0 picks a free port; {unset}).");
        }

        return port;
    }

    private static bool? ReadSandbox(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => throw new HubConfigurationException($"LARKWAY_SANDBOX '{text}' is not valid; use 'off' (no sandbox: a Hub whose apps — DingTalk, WeCom or Feishu — are all added at run time) or 'on' (the sandbox, the default when FEISHU_APP_ID is not set)."),
    };

    private static IPNetwork[] ParseTrustedProxies(string? text)
    {
        if (text is null)
        {
            return [];
        }

        var networks = new List<IPNetwork>();
        foreach (var entry in text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!entry.Contains('/', StringComparison.Ordinal) && (entry.Contains('.', StringComparison.Ordinal) || entry.Contains(':', StringComparison.Ordinal))
                && IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                throw new HubConfigurationException($"LARKWAY_TRUSTED_PROXIES: '{entry}' is not an IP address or a CIDR network. List the reverse proxies in front of the Hub, e.g. '127.0.0.1' or '10.0.0.0/24, 10.0.1.5'.");
            }
        }

        return [.. networks];
    }
}

/// <summary>The Hub's configuration cannot work; the message says what to set.</summary>
public sealed class HubConfigurationException : Exception
{
    public HubConfigurationException()
    {
    }

    public HubConfigurationException(string message)
        : base(message)
    {
    }

    public HubConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
