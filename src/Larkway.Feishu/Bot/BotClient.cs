using System.Text.Json.Serialization;
using Larkway.Feishu.Http;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Bot;

/// <summary>The app's bot (<c>/open-apis/bot/v3/info</c>).</summary>
public class BotClient
{
    private const string Info = "/open-apis/bot/v3/info";

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected BotClient()
    {
    }

    internal BotClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>The bot's name, open_id and whether it is activated — also the cheapest check that the app's credentials work.</summary>
    public virtual async Task<BotInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        var envelope = await _pipeline.SendEnvelopeAsync(new FeishuRequest(HttpMethod.Get, Info, Info), FeishuJson.Context.BotInfoEnvelope, cancellationToken).ConfigureAwait(false);
        var bot = envelope.Bot ?? throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of GET {Info} has no bot.");
        return new BotInfo(bot.AppName ?? "", bot.OpenId ?? "", bot.ActivateStatus ?? 0, bot.AvatarUrl, bot.IpWhiteList ?? []);
    }
}

/// <summary>The bot of an app.</summary>
/// <param name="AppName">The app (and bot) name.</param>
/// <param name="OpenId">The bot's open_id, as it appears in @-mentions.</param>
/// <param name="ActivateStatus">0 initial, 1 disabled by the tenant, 2 activated, 3 install pending, 4 upgrade pending, 5 license expired, 6 license stopped.</param>
/// <param name="AvatarUrl">The bot's avatar.</param>
/// <param name="IpWhiteList">The IP allowlist set on the app, if any.</param>
public sealed record BotInfo(string AppName, string OpenId, int ActivateStatus, string? AvatarUrl, IReadOnlyList<string> IpWhiteList)
{
    /// <summary>True when the bot can be used in the tenant.</summary>
    public bool IsActivated => ActivateStatus == 2;
}

/// <summary><c>{"code":0,"msg":"ok","bot":{…}}</c> — this API puts its payload in <c>bot</c>, not <c>data</c>.</summary>
internal sealed class BotInfoEnvelope : IFeishuEnvelope
{
    public int Code { get; set; }

    public string? Msg { get; set; }

    public BotWire? Bot { get; set; }
}

internal sealed class BotWire
{
    public int? ActivateStatus { get; set; }

    public string? AppName { get; set; }

    public string? AvatarUrl { get; set; }

    [JsonPropertyName("ip_white_list")]
    public List<string>? IpWhiteList { get; set; }

    public string? OpenId { get; set; }
}
