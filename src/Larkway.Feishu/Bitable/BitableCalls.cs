using System.Text.Json.Serialization.Metadata;
using Larkway.Feishu.Http;
using Larkway.Feishu.Im;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Bitable;

/// <summary>The documented rate tiers of the bitable endpoints (per endpoint, per app).</summary>
internal enum BitableTier
{
    /// <summary>Record create, update, delete (single and batch): 50/s.</summary>
    RecordWrite,

    /// <summary>Search, batch get, lists, get base: 20/s.</summary>
    Read,

    /// <summary>Table, field, view writes and base updates: 10/s.</summary>
    SchemaWrite,

    /// <summary>Base create and copy: 20/min.</summary>
    AppCreate,

    /// <summary>Drive subscription status and cancel: 10/min.</summary>
    SubscriptionStatus,

    /// <summary>Drive media upload (for attachment cells): 5/s.</summary>
    MediaUpload,

    /// <summary>Not paced here.</summary>
    None,
}

/// <summary>
/// What every bitable sub-client does: build the request with its endpoint's pace, take the base's write lock for
/// writes, and send through the pipeline (which retries what is transient).
/// </summary>
internal sealed class BitableCalls(FeishuPipeline pipeline)
{
    public const string Apps = "/open-apis/bitable/v1/apps";
    public const string App = Apps + "/{app_token}";
    public const string Tables = App + "/tables";
    public const string Table = Tables + "/{table_id}";
    public const string Fields = Table + "/fields";
    public const string Field = Fields + "/{field_id}";
    public const string Views = Table + "/views";
    public const string View = Views + "/{view_id}";
    public const string Records = Table + "/records";
    public const string Record = Records + "/{record_id}";

    public FeishuPipeline Pipeline => pipeline;

    public BitableOptions Options => pipeline.App.Options.Bitable;

    public BitableState State => pipeline.App.Bitable;

    public TimeProvider Time => pipeline.App.TimeProvider;

    public Microsoft.Extensions.Logging.ILogger Logger => pipeline.App.Logger;

    /// <summary>The template with its placeholders filled by the checked, escaped ids.</summary>
    public static string Route(string template, string? appToken = null, string? tableId = null, string? id = null)
    {
        var path = template;
        if (appToken is not null)
        {
            path = path.Replace("{app_token}", Query.Segment(appToken), StringComparison.Ordinal);
        }

        if (tableId is not null)
        {
            path = path.Replace("{table_id}", Query.Segment(tableId), StringComparison.Ordinal);
        }

        if (id is not null)
        {
            path = path.Replace("{field_id}", Query.Segment(id), StringComparison.Ordinal)
                .Replace("{view_id}", Query.Segment(id), StringComparison.Ordinal)
                .Replace("{record_id}", Query.Segment(id), StringComparison.Ordinal);
        }

        return path;
    }

    public static string AppToken(string appToken) => Checks.Id(appToken, nameof(appToken), "the base's app_token (bascn…)");

    public static string TableId(string tableId) => Checks.Id(tableId, nameof(tableId), "tbl…");

    public FeishuRequest Request(HttpMethod method, string pathAndQuery, string template, BitableTier tier) => new(method, pathAndQuery, template)
    {
        Pace = Pace(method, template, tier),
    };

    public FeishuRequest Request<TBody>(HttpMethod method, string pathAndQuery, string template, BitableTier tier, TBody body, JsonTypeInfo<TBody> info) =>
        Request(method, pathAndQuery, template, tier) with { Content = JsonBody.Create(body, info) };

    /// <summary>
    /// A lazy GET listing of <paramref name="route"/>: the page size checked now and per page, each page's query built by
    /// <paramref name="query"/> and given its paging parameters.
    /// </summary>
    public FeishuPageable<TModel> Pages<TWire, TModel>(string route, string template, int? pageSize, Func<Query, Query> query,
        JsonTypeInfo<FeishuEnvelope<BitablePageData<TWire>>> envelope, Func<TWire, TModel> map, CancellationToken cancellationToken)
    {
        Checks.PageSize(pageSize, BitableLimits.MaxListPageSize);
        return new FetchPageable<TModel>(async (token, size, ct) =>
        {
            Checks.PageSize(size, BitableLimits.MaxListPageSize);
            var path = query(new Query(route)).Add("page_size", size).Add("page_token", token);
            var data = await SendAsync(Request(HttpMethod.Get, path.ToString(), template, BitableTier.Read), envelope, ct).ConfigureAwait(false);
            return data.ToPage(map);
        }, pageSize, cancellationToken);
    }

    /// <summary>A call that takes no write lock (reads, base creation): paced only.</summary>
    public Task<T> SendAsync<T>(FeishuRequest request, JsonTypeInfo<FeishuEnvelope<T>> envelope, CancellationToken cancellationToken)
        where T : class => pipeline.SendAsync(request, envelope, cancellationToken);

    /// <summary>A write to <paramref name="appToken"/>: one at a time per base (when configured), paced.</summary>
    public async Task<T> WriteAsync<T>(string appToken, FeishuRequest request, JsonTypeInfo<FeishuEnvelope<T>> envelope, CancellationToken cancellationToken)
        where T : class
    {
        using (await LockAsync(appToken, cancellationToken).ConfigureAwait(false))
        {
            return await pipeline.SendAsync(request, envelope, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A write whose answer carries nothing needed.</summary>
    public async Task WriteAsync(string appToken, FeishuRequest request, CancellationToken cancellationToken)
    {
        using (await LockAsync(appToken, cancellationToken).ConfigureAwait(false))
        {
            await pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Holds the base's write lock until disposed (a no-op when writes are not serialised).</summary>
    public async ValueTask<IDisposable> LockAsync(string appToken, CancellationToken cancellationToken)
    {
        if (!Options.SerializeWritesPerBase)
        {
            return NoLock.Instance;
        }

        var gate = State.WriteLock(appToken);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Held(gate);
    }

    private FeishuPace? Pace(HttpMethod method, string template, BitableTier tier)
    {
        var options = Options;
        if (!options.PaceRequests)
        {
            return null;
        }

        return tier switch
        {
            BitableTier.RecordWrite => new FeishuPace($"{method.Method} {template}", options.WritesPerSecond, TimeSpan.FromSeconds(1)),
            BitableTier.Read => new FeishuPace($"{method.Method} {template}", options.ReadsPerSecond, TimeSpan.FromSeconds(1)),
            BitableTier.SchemaWrite => new FeishuPace($"{method.Method} {template}", options.SchemaWritesPerSecond, TimeSpan.FromSeconds(1)),
            BitableTier.AppCreate => new FeishuPace($"{method.Method} {template}", options.AppCreatesPerMinute, TimeSpan.FromMinutes(1)),
            BitableTier.SubscriptionStatus => new FeishuPace($"{method.Method} {template}", 10, TimeSpan.FromMinutes(1)),
            BitableTier.MediaUpload => new FeishuPace($"{method.Method} {template}", 5, TimeSpan.FromSeconds(1)),
            _ => null,
        };
    }

    private sealed class Held(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }
}
