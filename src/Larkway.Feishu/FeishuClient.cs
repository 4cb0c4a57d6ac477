using System.Diagnostics.Metrics;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Contact;
using Larkway.Feishu.Http;
using Larkway.Feishu.Im;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu;

/// <summary>
/// The client of one Open Platform app. Domain clients hang off it (<see cref="Im"/>, <see cref="Contact"/>); all of them
/// share the app's token cache, retries, rate limits and logging. Thread-safe; keep one per app.
/// </summary>
/// <example>
/// <code>
/// using var client = new FeishuClient(new FeishuAppOptions { AppId = "cli_…", AppSecret = "…", BaseUrl = FeishuBaseUrls.Lark });
/// await client.Im.Messages.SendAsync(ReceiveId.Chat("oc_…"), MessageContent.Text("hello"));
/// </code>
/// </example>
public class FeishuClient : IDisposable
{
    private readonly FeishuPipeline _pipeline = null!;
    private readonly IDisposable? _owned;
    private readonly IDisposable? _ownedRuntime;
    private readonly Lazy<ImClient> _im = null!;
    private readonly Lazy<Bot.BotClient> _bot = null!;
    private readonly Lazy<ContactClient> _contact = null!;
    private readonly Lazy<ApprovalClient> _approval = null!;
    private readonly Lazy<Authen.AuthenClient> _authen = null!;
    private readonly Lazy<Bitable.BitableClient> _bitable = null!;
    private readonly Lazy<CardKit.CardKitClient> _cardKit = null!;
    private readonly Lazy<Docs.DocsClient> _docs = null!;

    /// <summary>
    /// A client without dependency injection. The options are checked now and copied (later changes
    /// have no effect). <paramref name="handler"/> replaces the network (tests, proxies) and is not disposed.
    /// </summary>
    /// <exception cref="FeishuApiException">AppId or AppSecret is missing (<see cref="FeishuErrorCodes.MissingCredentials"/>).</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public FeishuClient(FeishuAppOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, HttpMessageHandler? handler = null)
        : this(Microsoft.Extensions.Options.Options.DefaultName, options, loggerFactory, timeProvider, meterFactory: null, handler)
    {
    }

    /// <summary>
    /// A client for an app whose credentials arrive at run time (stored in a database, say), under
    /// <paramref name="name"/> in logs and telemetry (the <c>feishu.app</c> tag) and recording on
    /// <paramref name="meterFactory"/>'s meters, so its calls count with the container's registered apps.
    /// </summary>
    /// <exception cref="FeishuApiException">AppId or AppSecret is missing (<see cref="FeishuErrorCodes.MissingCredentials"/>).</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public FeishuClient(string name, FeishuAppOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IMeterFactory? meterFactory, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        FeishuAppOptionsValidator.ThrowIfInvalid(options);
        var runtime = new FeishuAppRuntime(name, options, loggerFactory, timeProvider, meterFactory);
        var primary = handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

        // Timeouts are per attempt, in the resilience handler; HttpClient's own would cut retries short.
        var http = new HttpClient(runtime.CreateChain(primary), disposeHandler: handler is null) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _pipeline = new FeishuPipeline(() => http, runtime);
        _owned = http;
        _ownedRuntime = runtime;
        _im = new Lazy<ImClient>(() => new ImClient(_pipeline));
        _bot = new Lazy<Bot.BotClient>(() => new Bot.BotClient(_pipeline));
        _contact = new Lazy<ContactClient>(() => new ContactClient(_pipeline));
        _approval = new Lazy<ApprovalClient>(() => new ApprovalClient(_pipeline));
        _authen = new Lazy<Authen.AuthenClient>(() => new Authen.AuthenClient(_pipeline));
        _bitable = new Lazy<Bitable.BitableClient>(() => new Bitable.BitableClient(_pipeline));
        _cardKit = new Lazy<CardKit.CardKitClient>(() => new CardKit.CardKitClient(_pipeline));
        _docs = new Lazy<Docs.DocsClient>(() => new Docs.DocsClient(_pipeline));
    }

    /// <summary>For mocking.</summary>
    protected FeishuClient()
    {
    }

    internal FeishuClient(FeishuPipeline pipeline)
    {
        _pipeline = pipeline;
        _im = new Lazy<ImClient>(() => new ImClient(_pipeline));
        _bot = new Lazy<Bot.BotClient>(() => new Bot.BotClient(_pipeline));
        _contact = new Lazy<ContactClient>(() => new ContactClient(_pipeline));
        _approval = new Lazy<ApprovalClient>(() => new ApprovalClient(_pipeline));
        _authen = new Lazy<Authen.AuthenClient>(() => new Authen.AuthenClient(_pipeline));
        _bitable = new Lazy<Bitable.BitableClient>(() => new Bitable.BitableClient(_pipeline));
        _cardKit = new Lazy<CardKit.CardKitClient>(() => new CardKit.CardKitClient(_pipeline));
        _docs = new Lazy<Docs.DocsClient>(() => new Docs.DocsClient(_pipeline));
    }

    /// <summary>The clock the client's token lifetimes are counted on; null for a fake built with the protected constructor.</summary>
    internal TimeProvider? Clock => _pipeline?.App.TimeProvider;

    /// <summary>The client's logger; null for a fake built with the protected constructor.</summary>
    internal ILogger? Logger => _pipeline?.App.Logger;

    /// <summary>The app id this client calls as.</summary>
    public virtual string AppId => _pipeline.App.Options.AppId;

    /// <summary>The Open Platform host this client calls.</summary>
    public virtual Uri BaseUrl => _pipeline.App.Options.BaseUrl;

    /// <summary>
    /// The message-send limits this client enforces (a copy: changing it changes nothing). A caller that paces its own
    /// sends reads them here, so the limits are configured once (<c>Feishu:RateLimit</c>), and sends with
    /// <see cref="FeishuRequestOptions.PacedByCaller"/>.
    /// </summary>
    public virtual FeishuRateLimitOptions RateLimit => _pipeline.App.Options.RateLimit.Clone();

    /// <summary>Instant messaging: messages, chats, members, images, files.</summary>
    public virtual ImClient Im => _im.Value;

    /// <summary>The app's bot: its name, open_id and activation.</summary>
    public virtual Bot.BotClient Bot => _bot.Value;

    /// <summary>The directory: users, departments and the app's contact scope.</summary>
    public virtual ContactClient Contact => _contact.Value;

    /// <summary>Approval v4: definitions, instances with typed forms, tasks, comments, third-party approvals.</summary>
    public virtual ApprovalClient Approval => _approval.Value;

    /// <summary>
    /// Sign-in: user tokens (code exchange, refresh, user info, mini programs), and in-client authentication (the JSAPI
    /// ticket and <c>h5sdk.config</c> parameters).
    /// </summary>
    public virtual Authen.AuthenClient Authen => _authen.Value;

    /// <summary>
    /// Bitable (多维表格): bases, tables, fields, views, and records with typed cells, filters and batches split, bisected,
    /// paced and serialised per base as the documentation advises; plus the drive subscription record events need.
    /// </summary>
    public virtual Bitable.BitableClient Bitable => _bitable.Value;

    /// <summary>
    /// CardKit v1 card entities: create, settings (streaming mode), full and batch updates, elements, streamed text, and
    /// message → card id; every write carries a per-card, strictly increasing sequence and is paced to 10 a second per card.
    /// </summary>
    public virtual CardKit.CardKitClient CardKit => _cardKit.Value;

    /// <summary>
    /// Feishu Docs: docx documents and blocks (Markdown written as real blocks), the wiki, drive permissions (the check of
    /// what the caller may open), files and edit subscriptions; edits paced to three a second per document and per app.
    /// </summary>
    public virtual Docs.DocsClient Docs => _docs.Value;

    /// <summary>
    /// A view of this client whose calls use <paramref name="options"/> (e.g. a user access token).
    /// It shares everything else and needs no disposal.
    /// </summary>
    public virtual FeishuClient WithOptions(FeishuRequestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FeishuClient(_pipeline.With(options));
    }

    /// <summary>A view of this client that calls as the user holding <paramref name="userAccessToken"/>; no tenant token is fetched.</summary>
    public virtual FeishuClient AsUser(string userAccessToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userAccessToken);
        return WithOptions(new FeishuRequestOptions { UserAccessToken = userAccessToken });
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the HTTP client and app state of a client built without DI; DI-built clients and views own nothing.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _owned?.Dispose();
            _ownedRuntime?.Dispose();
        }
    }
}
