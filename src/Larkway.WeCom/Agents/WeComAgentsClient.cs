using System.Globalization;
using System.Text.Json.Serialization;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;

namespace Larkway.WeCom.Agents;

/// <summary>An app (<c>agent/get</c>): its name and visible range (可见范围: members, departments with all below them, tags).</summary>
public sealed record WeComAgent
{
    /// <summary>The app's AgentId.</summary>
    [JsonPropertyName("agentid")] public long AgentId { get; init; }

    /// <summary>The app's name.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }

    /// <summary>The members in the visible range.</summary>
    [JsonPropertyName("allow_userinfos")] public WeComAgentUsers? AllowUserInfos { get; init; }

    /// <summary>The departments in the visible range.</summary>
    [JsonPropertyName("allow_partys")] public WeComAgentParties? AllowParties { get; init; }

    /// <summary>The tags in the visible range.</summary>
    [JsonPropertyName("allow_tags")] public WeComAgentTags? AllowTags { get; init; }

    /// <summary>1 when the app is disabled.</summary>
    [JsonPropertyName("close")] public int Close { get; init; }
}

/// <summary>The members of a visible range.</summary>
public sealed record WeComAgentUsers([property: JsonPropertyName("user")] IReadOnlyList<WeComAgentUser>? User);

/// <summary>A member of a visible range.</summary>
public sealed record WeComAgentUser([property: JsonPropertyName("userid")] string UserId);

/// <summary>The departments of a visible range.</summary>
public sealed record WeComAgentParties([property: JsonPropertyName("partyid")] IReadOnlyList<long>? PartyId);

/// <summary>The tags of a visible range.</summary>
public sealed record WeComAgentTags([property: JsonPropertyName("tagid")] IReadOnlyList<long>? TagId);

/// <summary>The corp's apps (<c>/cgi-bin/agent/*</c>); an app's token reads only that app.</summary>
public class WeComAgentsClient
{
    internal const string GetPath = "/cgi-bin/agent/get";

    private readonly WeComPipeline _pipeline = null!;

    internal WeComAgentsClient(WeComPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected WeComAgentsClient()
    {
    }

    /// <summary>The app <paramref name="agentId"/> (the calling app's own AgentId).</summary>
    /// <exception cref="WeComApiException">Another app's AgentId (301002), or another refusal.</exception>
    public virtual Task<WeComAgent> GetAsync(long agentId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Get, $"{GetPath}?agentid={agentId.ToString(CultureInfo.InvariantCulture)}", GetPath) { Idempotent = true },
            WeComJsonContext.Default.WeComAgent,
            cancellationToken);
}
