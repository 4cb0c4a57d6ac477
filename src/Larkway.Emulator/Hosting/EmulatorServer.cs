using Larkway.Emulator.Api.Approval;
using Larkway.Emulator.Api.Auth;
using Larkway.Emulator.Api.Bitable;
using Larkway.Emulator.Api.Bot;
using Larkway.Emulator.Api.Contact;
using Larkway.Emulator.Api.Control;
using Larkway.Emulator.Api.Im;
using Larkway.Emulator.Api.Jssdk;
using Larkway.Emulator.Api.Webhooks;
using Larkway.Emulator.Api.Authen;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Authen;
using Larkway.Emulator.Bitable;
using Larkway.Emulator.DingTalk;
using Larkway.Emulator.WeCom;
using Larkway.Emulator.Events;
using Larkway.Emulator.Events.Callbacks;
using Larkway.Emulator.LongConnection;
using Larkway.Emulator.Platform;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;
using Larkway.Emulator.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Hosting;

/// <summary>A running emulator on Kestrel.</summary>
public sealed partial class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorServer(WebApplication app, Uri baseUrl, Uri? httpsBaseUrl, Uri? dingTalkApiBaseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        HttpsBaseUrl = httpsBaseUrl;
        DingTalkApiBaseUrl = dingTalkApiBaseUrl;
        State = app.Services.GetRequiredService<EmulatorState>();
    }

    /// <summary>Where the emulator listens, e.g. http://127.0.0.1:54321.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Where the TLS listener serves the same over https/wss (e.g. https://127.0.0.1:8443/), or null when <see cref="EmulatorOptions.HttpsPort"/> is not set.</summary>
    public Uri? HttpsBaseUrl { get; }

    /// <summary>
    /// Where DingTalk's API is served at the root, as on api.dingtalk.com and oapi.dingtalk.com (e.g.
    /// http://127.0.0.1:8788/), or null when <see cref="EmulatorOptions.DingTalkApiPort"/> is not set.
    /// </summary>
    public Uri? DingTalkApiBaseUrl { get; }

    /// <summary>The TLS listener's certificates (<see cref="EmulatorTls.AuthorityFile"/> is what clients trust), or null without TLS.</summary>
    public EmulatorTls? Tls => _app.Services.GetService<EmulatorTls>();

    /// <summary>Typed read/seed access to the emulated tenant.</summary>
    public EmulatorState State { get; }

    /// <summary>The state file the tenant is kept in (full path), or null when it lives in memory only.</summary>
    public string? StateFile => _app.Services.GetRequiredService<StateLoad>().Path;

    /// <summary>Open API calls so far per operation ("POST /open-apis/im/v1/messages" → count).</summary>
    public IReadOnlyDictionary<string, long> CallCounts => _app.Services.GetRequiredService<CallCounter>().Snapshot();

    /// <summary>Events raised and their delivery attempts (also <c>GET /_emulator/events</c>).</summary>
    public DeliveryLog Deliveries => _app.Services.GetRequiredService<DeliveryLog>();

    /// <summary>The approval engine's definitions and instances, for tests that check what Feishu would hold.</summary>
    internal Approval.ApprovalStore Approvals => _app.Services.GetRequiredService<Approval.ApprovalStore>();

    /// <summary>The long-connection hub (connections, acks, <c>SendCallbackAsync</c>) for in-assembly features and tests.</summary>
    internal LongConnectionHub LongConnections => _app.Services.GetRequiredService<LongConnectionHub>();

    /// <summary>DingTalk Stream mode: connections, pushes, faults and its delivery log, for in-assembly features and tests.</summary>
    internal DingTalk.Stream.DingTalkStreamHub DingTalkStream => _app.Services.GetRequiredService<DingTalk.Stream.DingTalkStreamHub>();

    /// <summary>DingTalk's HTTP pushes to apps' servers (outgoing robot, legacy events) and their attempt log.</summary>
    internal DingTalk.Callbacks.CallbackSender DingTalkCallbacks => _app.Services.GetRequiredService<DingTalk.Callbacks.CallbackSender>();

    /// <summary>A service of the running emulator, for in-assembly features and tests (the WeCom AI bot's hub and conversations).</summary>
    internal T GetService<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var app = Build(options);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            // A start that failed (a port taken, a state file that cannot be written) leaves nothing running.
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var baseUrl = Reachable(addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no listening address."));
        var logger = app.Services.GetRequiredService<ILogger<EmulatorServer>>();
        LogStarted(logger, baseUrl, options.AppId);
        Uri? httpsBaseUrl = null;
        if (app.Services.GetService<EmulatorTls>() is { } tls)
        {
            httpsBaseUrl = Reachable(addresses.First(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)));
            if (tls.AuthorityCreated)
            {
                LogTlsAuthorityCreated(logger, tls.AuthorityFile);
            }

            LogTlsListening(logger, httpsBaseUrl, tls.AuthorityFile);
        }

        Uri? dingTalkApiBaseUrl = null;
        if (app.Services.GetService<DingTalk.Platform.DingTalkApiHost>() is { } dingTalkApi)
        {
            dingTalkApiBaseUrl = new Uri($"http://{baseUrl.Host}:{dingTalkApi.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/");
            LogDingTalkApiListening(logger, dingTalkApiBaseUrl);
        }

        return new EmulatorServer(app, baseUrl, httpsBaseUrl, dingTalkApiBaseUrl);
    }

    /// <summary>A wildcard listening address as a client reaches it.</summary>
    private static Uri Reachable(string address) =>
        new(address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal));

    /// <summary>
    /// A further listener's URL (the TLS one, the DingTalk API host): the HTTP listener's host (the first of
    /// <see cref="EmulatorOptions.Urls"/>, else 127.0.0.1) on the given port.
    /// </summary>
    internal static string ListenerUrlFor(EmulatorOptions options, string scheme, int port)
    {
        var host = "127.0.0.1";
        if (options.Urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } first
            && first.IndexOf("://", StringComparison.Ordinal) is var separator and >= 0)
        {
            var authority = first[(separator + 3)..].Split('/')[0];
            var colon = authority.LastIndexOf(':');
            host = colon > 0 && !authority.EndsWith(']') ? authority[..colon] : authority;
        }

        return $"{scheme}://{host}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>The configured application, not yet started (for hosts that run it themselves).</summary>
    public static WebApplication Build(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var urls = options.Urls ?? $"http://127.0.0.1:{options.Port}";
        EmulatorTls? tls = null;
        if (options.HttpsPort is { } httpsPort)
        {
            // Certificates are checked against the wall clock by clients, never against a test's manual clock.
            tls = EmulatorTls.LoadOrCreate(EmulatorTls.FolderFor(options), options.TlsHostNames, TimeProvider.System);
            urls += ";" + ListenerUrlFor(options, "https", httpsPort);
            builder.Services.AddSingleton(tls);

            // The slim builder leaves Kestrel's https:// address support out until asked for.
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        DingTalk.Platform.DingTalkApiHost? dingTalkApi = null;
        if (options.DingTalkApiPort is { } dingTalkApiPort)
        {
            // Last of the addresses: Kestrel binds (and reports) them in order, so the last one bound is this listener.
            urls += ";" + ListenerUrlFor(options, "http", dingTalkApiPort);
            dingTalkApi = new DingTalk.Platform.DingTalkApiHost { Port = dingTalkApiPort };
            builder.Services.AddSingleton(dingTalkApi);
        }

        builder.WebHost.UseUrls(urls);

        // Uploads go up to 30 MB plus multipart framing; the upload handlers enforce the documented limits.
        // A file's name goes out as UTF-8 bytes, as Feishu sends it (FileDownload).
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
            kestrel.ResponseHeaderEncodingSelector = FileDownload.HeaderEncoding;
            if (tls is not null)
            {
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = tls.ServerCertificate);
            }
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        AddEmulator(builder.Services, options);

        var app = builder.Build();

        // Read the state file (or seed) now: a bad seed or an unusable state file fails here, before anything listens.
        _ = app.Services.GetRequiredService<ApprovalStore>();
        _ = app.Services.GetRequiredService<BitableStore>();
        _ = app.Services.GetRequiredService<Docs.DocsStore>();
        _ = app.Services.GetRequiredService<TokenStore>();
        _ = app.Services.GetRequiredService<Larkway.Emulator.CardKit.CardKitStore>();
        _ = app.Services.GetRequiredService<OAuthSettingsStore>();
        if (dingTalkApi is { Port: 0 })
        {
            // A free port is known once bound; no client can know it (and call it) before the server has started.
            app.Lifetime.ApplicationStarted.Register(() => dingTalkApi.Port = new Uri(
                (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Last()).Port);
        }

        UseEmulator(app);
        return app;
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void AddEmulator(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton(sp => options.StateFile is { } file
            ? SnapshotFile.Load(file, options.TimeProvider, sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SnapshotFile).FullName!))
            : StateLoad.None);
        services.AddSingleton(_ => SeedLoader.Document(options));
        services.AddSingleton(sp => sp.GetRequiredService<StateLoad>().Snapshot is { } snapshot ? SnapshotFile.Restore(snapshot, options) : SeedLoader.Apply(sp.GetRequiredService<SeedDocument>(), options));
        services.AddSingleton(sp => sp.GetRequiredService<EmulatorState>().Revision);
        services.AddSingleton(sp =>
        {
            var tokens = new TokenStore(options.TimeProvider, sp.GetRequiredService<StateRevision>());
            tokens.Restore(sp.GetRequiredService<StateLoad>().Snapshot?.Tokens ?? []);
            return tokens;
        });
        AddAuthen(services, options);
        services.AddDingTalk(options);
        services.AddWeCom(options);
        services.AddSingleton<FaultInjector>();
        services.AddSingleton(sp => new JsapiTickets(options.TimeProvider));
        services.AddSingleton<CallCounter>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<TenantAuthenticator>();
        services.AddSingleton<MessageContent>();

        // CardKit card entities and streaming (CardKit/, Api/CardKit).
        services.AddSingleton<Larkway.Emulator.CardKit.CardInteractions>();
        services.AddSingleton<Larkway.Emulator.CardKit.CardKitStore>();
        services.AddSingleton<MessageService>();
        services.AddSingleton<EventFactory>();
        services.AddSingleton<DeveloperServerClient>();
        services.AddSingleton<EventHttpSender>();
        services.AddSingleton<DeliveryLog>();
        services.AddSingleton<EventDrops>();
        services.AddSingleton<ApprovalStore>();
        services.AddSingleton<BitableStore>();
        services.AddSingleton<BitableWriteGate>();
        services.AddSingleton<Docs.DocsStore>();
        services.AddSingleton<EventSubscriptions>();
        services.AddSingleton<LongConnectionHub>();
        services.AddSingleton<EventDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<EventDelivery>());
        if (options.StateFile is not null)
        {
            services.AddHostedService<StateFileWriter>();
        }

        // Card callbacks: transports are asked in registration order; the long connection can register a second one.
        services.AddSingleton<HttpCardCallbackTransport>();

        // Asked in order: the long connection only takes apps in that mode without a callback URL.
        services.AddSingleton<ICardCallbackTransport, LongConnectionCardCallbackTransport>();
        services.AddSingleton<ICardCallbackTransport>(sp => sp.GetRequiredService<HttpCardCallbackTransport>());
        services.AddSingleton<CardCallbackService>();

        // DingTalk Stream mode (DingTalk/Stream).
        DingTalk.Stream.DingTalkStreamRegistration.AddDingTalkStream(services, options.DingTalkStream);

        // WeCom AI bot (WeCom/AiBot).
        WeCom.AiBot.AiBotRegistration.AddWeComAiBot(services, options.WeComAiBot);

        // The fake AI backend (AiBackend).
        AiBackend.AiBackendRegistration.AddAiBackend(services, options.AiBackend);
    }

    /// <summary>Sign-in: settings from the state file (else the seed), user tokens from the state file, and the flows.</summary>
    private static void AddAuthen(IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(sp =>
        {
            var store = new OAuthSettingsStore(sp.GetRequiredService<EmulatorState>());
            var snapshot = sp.GetRequiredService<StateLoad>().Snapshot;
            store.Restore(snapshot is null ? SeedOAuth.SettingsOf(sp.GetRequiredService<SeedDocument>()) : snapshot.Authen?.Apps ?? []);
            return store;
        });
        services.AddSingleton(sp =>
        {
            var tokens = new UserTokenStore(options.TimeProvider, sp.GetRequiredService<StateRevision>());
            if (sp.GetRequiredService<StateLoad>().Snapshot?.Authen is { } authen)
            {
                tokens.Restore(authen.Grants, authen.AccessTokens, authen.RefreshTokens);
            }

            return tokens;
        });
        services.AddSingleton<AuthenStores>();
        services.AddSingleton(_ => new AuthorizationCodes(options.TimeProvider));
        services.AddSingleton<AuthorizeFlow>();
        services.AddSingleton<UserOpenIds>();
        services.AddSingleton<UserProfiles>();
        services.AddSingleton<AuthenEndpoints.LegacyTokens>();
        services.AddSingleton(_ => new QrLogins(options.TimeProvider));
        services.AddSingleton(sp => new H5ConfigChecker(sp.GetRequiredService<EmulatorState>(), sp.GetRequiredService<JsapiTickets>(), options.TimeProvider));
    }

    private static void UseEmulator(WebApplication app)
    {
        // Before everything else: the DingTalk API host's paths become the DingTalk routes' paths before they are matched.
        app.UseDingTalkApiHost();
        app.UseMiddleware<EnvelopeMiddleware>();
        app.UseWebSockets();
        app.UseRouting();
        app.UseMiddleware<OpenApiGateMiddleware>();
        app.UseDingTalkGate();
        app.UseWeComGate();
        app.MapAuthEndpoints();
        app.MapMessageEndpoints();
        Api.CardKit.CardKitEndpoints.MapCardKitEndpoints(app);
        Api.CardKit.CardKitControlEndpoints.MapCardKitControlEndpoints(app);
        app.MapUploadEndpoints();
        app.MapChatEndpoints();
        app.MapBotEndpoints();
        app.MapJssdkEndpoints();
        app.MapOAuthTokenEndpoint();
        app.MapAuthenEndpoints();
        app.MapAuthorizePage();
        app.MapQrLoginPages();
        app.MapMinaEndpoints();
        app.MapH5Container();
        app.MapAvatars();
        app.MapAuthenControlEndpoints();
        app.MapChatMemberEndpoints();
        app.MapContactUserEndpoints();
        app.MapContactDepartmentEndpoints();
        app.MapContactScopeEndpoints();
        app.MapCustomBotEndpoints();
        app.MapControlEndpoints();
        app.MapEventControlEndpoints();
        app.MapContactControlEndpoints();
        app.MapLongConnectionEndpoints();
        app.MapCardActionEndpoints();
        app.MapApprovalDefinitionEndpoints();
        app.MapApprovalInstanceEndpoints();
        app.MapApprovalTaskEndpoints();
        app.MapApprovalCommentEndpoints();
        app.MapExternalApprovalEndpoints();
        app.MapApprovalControlEndpoints();
        app.MapBitableAppEndpoints();
        app.MapBitableFieldEndpoints();
        app.MapBitableViewEndpoints();
        app.MapBitableRecordEndpoints();
        app.MapBitableControlEndpoints();
        app.MapDriveSubscriptionEndpoints();
        app.MapDriveMediaEndpoints();
        Api.Docs.DocxEndpoints.MapDocxEndpoints(app);
        Api.Docs.WikiEndpoints.MapWikiEndpoints(app);
        Api.Docs.DrivePermissionEndpoints.MapDrivePermissionEndpoints(app);
        Api.Docs.DriveFileEndpoints.MapDriveFileEndpoints(app);
        Api.Control.DocsControlEndpoints.MapDocsControlEndpoints(app);
        app.MapWebEndpoints();
        app.MapApprovalPages();
        app.MapDirectoryPages();
        app.MapBitablePages();
        Web.DocsPages.MapDocsPages(app);
        app.MapDingTalk();
        app.MapWeCom();

        // DingTalk Stream mode (DingTalk/Stream).
        DingTalk.Stream.DingTalkStreamRegistration.MapDingTalkStream(app);

        // WeCom AI bot (WeCom/AiBot).
        WeCom.AiBot.AiBotRegistration.MapWeComAiBot(app, app.Services.GetRequiredService<EmulatorOptions>().WeComAiBot);

        // The fake AI backend (AiBackend).
        AiBackend.AiBackendRegistration.MapAiBackend(app, app.Services.GetRequiredService<EmulatorOptions>().AiBackend);
    }

    [LoggerMessage(EventId = LogEvents.EmulatorServerStarted, Level = LogLevel.Information, Message = "Feishu emulator listening on {BaseUrl} (app {AppId})")]
    private static partial void LogStarted(ILogger logger, Uri baseUrl, string appId);

    [LoggerMessage(EventId = LogEvents.EmulatorTlsListening, Level = LogLevel.Information,
        Message = "Emulator TLS listener on {HttpsBaseUrl}; trust {AuthorityFile}: NODE_EXTRA_CA_CERTS for Node, SSL_CERT_FILE or REQUESTS_CA_BUNDLE for Python, or copy it as /usr/local/share/ca-certificates/larkway-emulator.crt and run update-ca-certificates (Debian)")]
    private static partial void LogTlsListening(ILogger logger, Uri httpsBaseUrl, string authorityFile);

    [LoggerMessage(EventId = LogEvents.EmulatorDingTalkApiListening, Level = LogLevel.Information,
        Message = "DingTalk API host on {DingTalkApiBaseUrl}: DingTalk's paths at the root, for clients that take only a host (e.g. @alicloud/dingtalk: protocol http, endpoint host:port)")]
    private static partial void LogDingTalkApiListening(ILogger logger, Uri dingTalkApiBaseUrl);

    [LoggerMessage(EventId = LogEvents.EmulatorTlsAuthorityCreated, Level = LogLevel.Information,
        Message = "Made a new certificate authority for the emulator's TLS listener, {AuthorityFile}, constrained to the names it serves: clients trust it once; it is kept and reused while it permits every --tls-host (a kept one that did not was replaced: remove its trust)")]
    private static partial void LogTlsAuthorityCreated(ILogger logger, string authorityFile);
}
