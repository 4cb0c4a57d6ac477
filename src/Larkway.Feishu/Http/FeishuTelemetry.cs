using System.Diagnostics;
using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;

namespace Larkway.Feishu.Http;

/// <summary>
/// One app's traces and metrics (<c>larkway.feishu.*</c>, tagged <c>feishu.app_id</c>, <c>feishu.code</c> and the
/// API host) on the shared <c>Larkway</c> meter and activity source (<see cref="ApiTelemetry"/>). The meter comes from
/// <see cref="IMeterFactory"/> under DI (one per container) or is owned by a client built without DI. Beside the calls
/// and token fetches every client counts, Feishu counts its token cache's look-ups and failed fetches by code, and
/// counts each token fetch as a success or a failure. Instrument and tag names are documented in docs/metrics.md and kept stable.
/// </summary>
internal sealed class FeishuTelemetry : ApiTelemetry
{
    // Feishu's codes are numbers and are tagged as such; a success is code 0, boxed once.
    private static readonly ApiTelemetryNames Names = new("Feishu", "feishu", "feishu.app_id", static failure => (failure as FeishuApiException)?.Code)
    {
        SuccessCode = 0,
        ApiName = "Open Platform",
        TokenRequestsDescription = "Fetches of tenant/app access tokens from the auth endpoint, by outcome.",
    };

    private readonly Counter<long> _tokenLookups;
    private readonly Counter<long> _tokenFailures;

    public FeishuTelemetry(IMeterFactory? meterFactory, string appId, Uri baseUrl)
        : base(meterFactory, appId, Names, baseUrl)
    {
        _tokenLookups = Meter.CreateCounter<long>("larkway.feishu.token.cache.lookups", "{lookup}",
            "Tenant/app access tokens asked of the client's cache, by result: a hit is a fresh cached token, a miss waits for a fetch.");
        _tokenFailures = Meter.CreateCounter<long>("larkway.feishu.token.failures", "{failure}",
            "Failed fetches of tenant/app access tokens, by code.");
    }

    /// <summary>Counts one look-up of a cached tenant/app token.</summary>
    public void TokenLookup(FeishuAuth kind, bool hit)
    {
        if (_tokenLookups.Enabled)
        {
            _tokenLookups.Add(1, new KeyValuePair<string, object?>("feishu.app_id", App), new KeyValuePair<string, object?>("feishu.token.kind", Kind(kind)),
                new KeyValuePair<string, object?>("feishu.token.cache.result", hit ? "hit" : "miss"));
        }
    }

    /// <summary>Counts a finished token fetch by outcome (success or failure) and, when it failed, by code; sets its span's outcome.</summary>
    protected override void EndTokenFetch(Activity? activity, string kind, Exception? failure)
    {
        var code = SetOutcome(activity, failure);
        CountTokenRequest(kind, failure is null ? "success" : "failure");
        if (failure is not null && _tokenFailures.Enabled)
        {
            var tags = new TagList
            {
                { "feishu.app_id", App },
                { "feishu.token.kind", kind },
            };
            AddOutcome(ref tags, code, failure);
            _tokenFailures.Add(1, tags);
        }
    }

    internal static string Kind(FeishuAuth kind) => kind == FeishuAuth.App ? "app" : "tenant";
}
