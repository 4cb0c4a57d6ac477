using System.Diagnostics.Metrics;
using Larkway.Feishu.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Larkway.Feishu.Http;

/// <summary>
/// Everything one app shares across its calls and handler chains: options, token caches, rate
/// limiters, the resilience pipeline, logger and telemetry. One per app per container (or per
/// client built without DI) — never static.
/// </summary>
internal sealed class FeishuAppRuntime : IDisposable
{
    public FeishuAppRuntime(string name, FeishuAppOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IMeterFactory? meterFactory)
    {
        Name = name;
        Options = options.Clone();
        TimeProvider = timeProvider ?? TimeProvider.System;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Larkway.Feishu");
        BaseAddress = FeishuPipeline.BaseAddress(Options.BaseUrl);
        Telemetry = new FeishuTelemetry(meterFactory, Options.AppId, Options.BaseUrl);
        Tokens = new FeishuTokenProvider(Options, TimeProvider, Telemetry);
        JsapiTickets = new Shared.Clients.TokenCache<Auth.CachedToken>(TimeProvider);
        RateLimiters = Options.RateLimit.Enabled ? new FeishuRateLimiters(Options.RateLimit) : null;
        Pacers = new FeishuPacers(Options.RateLimit.QueueLimit);
        Resilience = FeishuResilience.Build(Options, TimeProvider, Logger);
        CardKit = new CardKit.CardKitLanes(TimeProvider, new CardKit.CardKitSequences(TimeProvider));
    }

    public string Name { get; }

    public FeishuAppOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>The base URL without a trailing slash, computed once: every call's URL starts with it.</summary>
    public string BaseAddress { get; }

    public ILogger Logger { get; }

    public FeishuTelemetry Telemetry { get; }

    public FeishuTokenProvider Tokens { get; }

    public FeishuRateLimiters? RateLimiters { get; }

    /// <summary>Per-endpoint pacing (bitable's documented rates), shared by the app's calls.</summary>
    public FeishuPacers Pacers { get; }

    /// <summary>What the bitable client shares across the app's calls: per-base write locks and adaptive batch sizes.</summary>
    public Bitable.BitableState Bitable { get; } = new();

    public ResiliencePipeline<HttpResponseMessage> Resilience { get; }

    /// <summary>The app's JSAPI ticket, cached and fetched single-flight like the access tokens.</summary>
    public Shared.Clients.TokenCache<Auth.CachedToken> JsapiTickets { get; }

    /// <summary>User token refreshes under way, keyed by the (single-use) refresh token: one request per token at a time.</summary>
    public SingleFlight<string, Authen.FeishuUserToken> UserTokenRefreshes { get; } = new(StringComparer.Ordinal);

    /// <summary>CardKit's per-card lanes (sequence numbers and the 10/s pacing), shared by the app's calls and views.</summary>
    public CardKit.CardKitLanes CardKit { get; }

    /// <summary>Which chat recently seen messages are in: replies are paced by their chat's limit.</summary>
    public RecentMessageChats MessageChats { get; } = new();

    /// <summary>The handlers in order, outermost first: token → resilience → rate limit → logging.</summary>
    public DelegatingHandler[] CreateHandlers() =>
        [new FeishuTokenHandler(this), new FeishuResilienceHandler(this), new FeishuRateLimitHandler(this), new FeishuLoggingHandler(this)];

    /// <summary>The same chain as under <c>IHttpClientFactory</c>, wired by hand over <paramref name="primary"/>.</summary>
    public HttpMessageHandler CreateChain(HttpMessageHandler primary)
    {
        var handlers = CreateHandlers();
        for (var i = 0; i < handlers.Length; i++)
        {
            handlers[i].InnerHandler = i + 1 < handlers.Length ? handlers[i + 1] : primary;
        }

        return handlers[0];
    }

    public void Dispose()
    {
        RateLimiters?.Dispose();
        Pacers.Dispose();
        Bitable.Dispose();
        Telemetry.Dispose();
    }
}
