using System.Net;
using System.Security.Cryptography;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.AspNetCore;
using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Bots;
using Larkway.Hub.Feishu;
using Larkway.Hub.Inbox;
using Larkway.Hub.Feishu.Notifications;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Hosting;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Observability;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub;

/// <summary>
/// Composes the Hub: settings → (sandbox Emulator) → Feishu client, receivers, inbox, bot, admin API →
/// Kestrel. <see cref="StartAsync"/> is what tests and <c>Program</c> both run.
/// </summary>
public static partial class HubApp
{
    /// <summary>The app name of the Hub's single Feishu app (the default app).</summary>
    public const string AppName = "";

    private const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>The largest request body Kestrel lets any route read (the Feishu endpoints set their own 1 MiB + 1).</summary>
    internal const long MaxRequestBodySize = 1024 * 1024;

    /// <summary>Runs until Ctrl+C / SIGTERM. Exit code 2 for configuration that cannot work, 1 for a fault at start.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        HubHost host;
        try
        {
            host = await StartAsync(args, configure: null, Console.Out, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HubConfigurationException ex)
        {
            await StartFailure.WriteAsync(args, ex.Message).ConfigureAwait(false);
            return 2;
        }
        catch (OptionsValidationException ex)
        {
            await StartFailure.WriteAsync(args, ex.Message).ConfigureAwait(false);
            return 2;
        }
        catch (InvalidOperationException ex) when (ConfigurationValueError.Describe(ex) is { } sentence)
        {
            await StartFailure.WriteAsync(args, sentence).ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && StartFailure.IsJson(args))
        {
            // Anything else is a fault, not configuration: the runtime would print it as plain text, which a collector of
            // the JSON log cannot parse; as one JSON event it keeps its type and stack. Other formats keep the runtime's report.
            StartFailure.WriteFault(ex);
            return 1;
        }

        await using (host.ConfigureAwait(false))
        {
            await PrintBannerAsync(host).ConfigureAwait(false);
            await host.App.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Builds and starts the Hub. <paramref name="configure"/> runs first (tests add configuration there).</summary>
    public static Task<HubHost> StartAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default) =>
        StartAsync(args, configure, progress: null, cancellationToken);

    /// <summary>
    /// <see cref="StartAsync(string[], Action{WebApplicationBuilder}?, CancellationToken)"/>, saying the sandbox start's
    /// slow steps on <paramref name="progress"/> (the program's standard output; tests pass none).
    /// </summary>
    private static async Task<HubHost> StartAsync(string[] args, Action<WebApplicationBuilder>? configure, TextWriter? progress, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(HubApp).Assembly.GetName().Name,

            // appsettings.json ships beside the binary; data paths stay relative to the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);
        var settings = HubSettings.From(builder.Configuration);
        if (string.IsNullOrEmpty(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey)))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        string? stateFile = null;
        if (settings.Mode == HubMode.Sandbox)
        {
            stateFile = SandboxEmulatorState.FileFor(builder.Configuration);
            if (stateFile is not null && !SandboxEmulatorState.IsConfigured(builder.Configuration) && !CanMakeFolderOf(stateFile))
            {
                // The database's own folder: its check, a moment later, names the problem and the setting in one line.
                stateFile = null;
            }
        }

        // First of all, before any port is bound: a second Hub on these folders says so (a port-in-use hint would lead the
        // user to start it on other ports, beside the first, over the same data).
        var locks = LockDataFolders(builder.Configuration, stateFile);
        HubLogFile? logFile = null;
        try
        {
            // The log file lives in the (locked) data folder, so no two Hubs write one; a sandbox without a folder keeps its whole log on the console.
            (var consoleLog, logFile) = ConsoleLogSettings.Open(builder.Configuration, settings.Mode == HubMode.Sandbox, locks.FirstOrDefault()?.Folder);
            ConsoleLogSettings.Apply(builder.Logging, consoleLog, logFile);

            // Plain lines for a person, before the banner: a JSON log takes none.
            var steps = settings.Mode == HubMode.Sandbox && ObservabilitySettings.ReadLogFormat(builder.Configuration) != LogFormat.Json ? progress : null;
            var host = await StartLockedAsync(builder, settings, stateFile, locks, new HubLogOutputs(consoleLog, logFile), steps, cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            foreach (var held in locks)
            {
                held.Dispose();
            }

            logFile?.Dispose();
            throw;
        }
    }

    private static List<DataFolderLock> LockDataFolders(IConfiguration configuration, string? stateFile)
    {
        var locks = new List<DataFolderLock>();
        try
        {
            foreach (var folder in DataFolderLock.OwnedFolders(configuration, stateFile))
            {
                locks.Add(DataFolderLock.Acquire(folder, TimeProvider.System));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be made: the database's or the state file's own check names it a moment later.
        }
        catch
        {
            foreach (var held in locks)
            {
                held.Dispose();
            }

            throw;
        }

        return locks;
    }

    private static async Task<HubHost> StartLockedAsync(
        WebApplicationBuilder builder, HubSettings settings, string? stateFile, List<DataFolderLock> locks, HubLogOutputs logging, TextWriter? progress, CancellationToken cancellationToken)
    {
        // Before anything starts: a port another program holds is one line naming the setting, not an aborted start.
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey)!;
        ListenAddressCheck.EnsureAvailable(urls, "The Hub", ListenAddressCheck.HubSetting);
        EmulatorServer? emulator = null;
        if (settings.Mode == HubMode.Sandbox)
        {
            var jsonLog = ObservabilitySettings.ReadLogFormat(builder.Configuration) == LogFormat.Json;
            await SayAsync(progress, "Starting the sandbox's Emulator…").ConfigureAwait(false);
            emulator = await StartSandboxEmulatorAsync(settings, stateFile, jsonLog, logging, cancellationToken).ConfigureAwait(false);
            // The sandbox exercises the same signed, encrypted path as production. The keys live in the Emulator's
            // subscription, so they are kept with its state: a key a developer exported stays valid across restarts.
            var keys = SandboxSubscription.KeptKeys(emulator, EmulatorOptions.DefaultAppId) ?? (RandomKey(), RandomKey());
            settings = settings with
            {
                AppId = EmulatorOptions.DefaultAppId,
                AppSecret = EmulatorOptions.DefaultDevSecret,
                BaseUrl = emulator.BaseUrl,

                EncryptKey = keys.EncryptKey,
                VerificationToken = keys.VerificationToken,
            };
        }

        try
        {
            // Every route reads less (the APIs 64 KB, Feishu's endpoints 1 MiB, console forms far less); a larger body is
            // refused before it is read. Routes that need more raise it per request.
            builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxRequestBodySize);

            AddHub(builder.Services, builder.Configuration, settings);
            var app = builder.Build();
            MapHub(app);

            // The options checked at start, checked before anything starts: the host would log its failure with a stack
            // trace first, and a setting to correct is one sentence (RunAsync).
            app.Services.GetService<IStartupValidator>()?.Validate();
            await SayAsync(progress, "Opening the database (a first start creates it and its tables)…").ConfigureAwait(false);
            await OpenDatabaseAsync(app, cancellationToken).ConfigureAwait(false);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ListenAddressCheck.FromStartFailure(ex, $"The Hub cannot listen on {urls}", PortOf(urls), ListenAddressCheck.HubSetting) is { } taken)
            {
                // Taken between the check and the bind.
                await app.DisposeAsync().ConfigureAwait(false);
                throw taken;
            }

            var baseUrl = ListeningUrl(app);
            IReadOnlyDictionary<string, string> sandboxProblems = new Dictionary<string, string>(StringComparer.Ordinal);

            if (emulator is not null)
            {
                await SayAsync(progress, "Setting up the sandbox's apps, chats and samples…").ConfigureAwait(false);
                await SandboxSubscription.SubscribeAsync(emulator, settings.AppId!, baseUrl, settings.EncryptKey!, settings.VerificationToken!, cancellationToken).ConfigureAwait(false);

                // Every sandbox user can DM the bot from the start: the Emulator's chat list shows the direct chats.
                foreach (var user in emulator.State.Users)
                {
                    emulator.State.OpenDirectChat(settings.AppId!, user.OpenId);
                }

                if (SandboxBitableSample.Enabled(builder.Configuration))
                {
                    await SandboxBitableSample.EnsureAsync(emulator, app.Services, cancellationToken).ConfigureAwait(false);
                }

                // Each platform's room adds its sandbox app (ISandboxPlatform), in the order the rooms were registered.
                sandboxProblems = await SandboxPlatforms.EnsureAsync(new SandboxStart(emulator, baseUrl, app.Services, builder.Configuration), cancellationToken).ConfigureAwait(false);

                if (SandboxAssistant.Enabled(builder.Configuration))
                {
                    await SandboxAssistant.EnsureAsync(emulator, app.Services, cancellationToken).ConfigureAwait(false);
                }

                if (SandboxPeople.Enabled(builder.Configuration))
                {
                    SandboxPeople.Start(app.Services, app.Lifetime.ApplicationStopping);
                }
            }

            return new HubHost(app, baseUrl, settings, emulator, locks) { SandboxProblems = sandboxProblems, Logging = logging };
        }
        catch
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static bool CanMakeFolderOf(string file)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>One line on <paramref name="progress"/> (when there is one) before a step a person may wait on.</summary>
    private static async Task SayAsync(TextWriter? progress, string line)
    {
        if (progress is not null)
        {
            await progress.WriteLineAsync(line).ConfigureAwait(false);
            await progress.FlushAsync().ConfigureAwait(false);
        }
    }

    private static async Task<EmulatorServer> StartSandboxEmulatorAsync(HubSettings settings, string? stateFile, bool jsonLog, HubLogOutputs logging, CancellationToken cancellationToken)
    {
        var (port, httpsPort, dingTalkApiPort) = (settings.EmulatorPort, settings.EmulatorHttpsPort, settings.EmulatorDingTalkApiPort);
        var cannot = $"The sandbox Emulator cannot listen on http://127.0.0.1:{port}";
        if (port != 0)
        {
            ListenAddressCheck.EnsureAvailable(new IPEndPoint(IPAddress.Loopback, port), cannot, ListenAddressCheck.EmulatorSetting);
        }

        if (httpsPort is > 0)
        {
            ListenAddressCheck.EnsureAvailable(new IPEndPoint(IPAddress.Loopback, httpsPort.Value), $"The sandbox Emulator cannot listen on https://127.0.0.1:{httpsPort}", "LARKWAY_EMULATOR_HTTPS_PORT (0 picks a free port)");
        }

        if (dingTalkApiPort is > 0)
        {
            ListenAddressCheck.EnsureAvailable(new IPEndPoint(IPAddress.Loopback, dingTalkApiPort.Value), $"The sandbox Emulator cannot listen on http://127.0.0.1:{dingTalkApiPort}", "LARKWAY_EMULATOR_DINGTALK_API_PORT (0 picks a free port)");
        }

        try
        {
            return await EmulatorServer.StartAsync(new EmulatorOptions
            {
                Port = port,
                StateFile = stateFile,

                // Off unless asked for; its certificates are kept beside the state file (data/), so a trust survives restarts.
                HttpsPort = httpsPort,

                // Off unless asked for: DingTalk's API at the root of a port of its own, for clients that take only a host.
                DingTalkApiPort = dingTalkApiPort,

                // The embedded Emulator logs to the same standard output: in the same format, or it would add plain lines to a JSON
                // log; and, like the Hub, to the sandbox's log file with only warnings on the console when that is quiet.
                ConfigureLogging = builder =>
                {
                    if (jsonLog)
                    {
                        builder.AddJsonConsole(HubObservabilityExtensions.ConfigureJson);
                    }

                    ConsoleLogSettings.Apply(builder, logging.Console, logging.File);
                },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (EmulatorStateFileException ex)
        {
            throw new HubConfigurationException($"{ex.Message} ({SandboxEmulatorState.Setting} names the sandbox Emulator's state file; 'off' keeps the sandbox in memory.)", ex);
        }
        catch (EmulatorTlsException ex)
        {
            throw new HubConfigurationException($"{ex.Message} (LARKWAY_EMULATOR_HTTPS_PORT turns the sandbox Emulator's TLS listener on; unset it to run without.)", ex);
        }
        catch (Exception ex) when (ListenAddressCheck.FromStartFailure(ex, cannot, port, ListenAddressCheck.EmulatorSetting) is { } taken)
        {
            throw taken;
        }
    }

    /// <summary>
    /// Migrates the database before the host starts (the start-up gate then finds it ready), so a database that cannot be
    /// opened ends the start with one sentence instead of a hosted service's failure logged with its stack trace.
    /// </summary>
    private static async Task OpenDatabaseAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            await app.Services.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var failure = app.Services.GetService<IHubStorageProvider>() is { } provider ? HubStorageFailure.Describe(ex, provider) : null;
            await app.DisposeAsync().ConfigureAwait(false);
            if (failure is not null)
            {
                throw failure;
            }

            throw;
        }
    }

    private static int PortOf(string urls)
    {
        try
        {
            return BindingAddress.Parse(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]).Port;
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    internal static void AddHub(IServiceCollection services, IConfiguration configuration, HubSettings settings)
    {
        services.AddSingleton(settings);
        services.TryAddSingleton(sp => new HubAddress(settings, sp.GetService<IServer>()));
        services.TryAddSingleton(TimeProvider.System);

        // A value a handler binds as a number ("?limit=abc") fails as a BadHttpRequestException that BadRequestShield
        // answers as problem+json naming the parameter; left false, it is a bare 400 that says nothing.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        AddBot(services, configuration);

        services.AddHubStorage(configuration);
        services.AddHubLeases(configuration);
        services.AddHubInbox(configuration);
        services.AddHubAuth();
        services.AddHubOpenApi();
        services.AddHubNotifications(configuration);
        services.AddHubWebhooks(configuration);
        services.AddHubApprovals(configuration);
        services.AddHubConsole();
        services.AddHubApps(configuration);
        services.AddHubObservability(configuration);
        services.AddHubMonitoring(configuration);
        services.AddHubAlerts(configuration);
        services.AddHubDirectory(configuration);
        services.AddHubBitableSync(configuration);
        services.AddHubIdentity(configuration);
        services.AddHubFeishu();
        services.AddHubDingTalk();
        services.AddHubWeCom(configuration);
        services.AddHubPersonRouting();
        services.AddHubWeComAiBot();
        services.AddHubAssistants(configuration);

        services.AddHubFeishuApp(settings, AppName);
    }

    private static void AddBot(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BotOptions>().Bind(configuration.GetSection(BotOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BotOptions>, BotOptionsValidator>());
        services.TryAddSingleton(_ => new BotCommands().AddSamples());
        // Every platform's clicks: first the ones a platform's room claims (IBotCardClaim), then the named actions.
        services.TryAddSingleton(sp => new BotCardActions().Claim(sp.GetServices<IBotCardClaim>()).AddSamples()
            .AddAssistantCards(sp.GetRequiredService<AssistantCardActions>()));
        services.TryAddSingleton<IBotConversationStore, DbBotConversationStore>();
        services.AddBotRequirement();
    }

    internal static void MapHub(WebApplication app)
    {
        app.UseHubForwardedHeaders(app.Services.GetRequiredService<HubSettings>());
        app.UseMiddleware<BadRequestShield>();
        app.UseMiddleware<StorageBusyShield>();

        // Routing here, after the proxy headers and the shields, so that Feishu's receivers can end the pipeline at the route:
        // each request is authenticated by its signature, and the Hub's schemes (a remote sign-in checks every request for
        // its callback path) and policies would only cost every event.
        app.UseRouting();
        app.MapHubFeishuApp(AppName);
        app.MapHubObservability();
        app.MapHubOpenApi();
        app.MapHubInboxApi();
        app.MapHubNotificationsApi();
        app.MapHubWebhooksApi();
        app.MapHubApprovalsApi();
        app.MapHubDirectoryApi();
        app.MapHubPersonLinksApi();
        app.MapHubLinkConflictsApi();
        app.MapHubRoutingApi();
        app.MapHubBitableSyncApi();
        app.MapHubConsole();
        app.MapHubApps();
        app.MapHubFeishu();
        app.MapHubIdentity();
        app.MapHubDingTalk();
        app.MapHubWeCom();
        app.MapHubAssistantsApi();
    }

    private static Uri ListeningUrl(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no listening address.");
        return new Uri(ListeningAddress.Dialable(address));
    }

    private static string RandomKey() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    /// <summary>
    /// The start banner: plain lines for a person, or with a JSON log one event (<see cref="LogEvents.HubAppStarted"/>)
    /// whose fields carry the same addresses. Where the console password is comes from where it was shown, on every start.
    /// </summary>
    internal static async Task PrintBannerAsync(HubHost host)
    {
        var console = host.Services.GetRequiredService<HubConsole>();
        var password = await host.Services.GetRequiredService<ConsoleAdminCredential>().WhereIsPasswordAsync(CancellationToken.None).ConfigureAwait(false);
        var consoleUrl = new Uri(host.BaseUrl, "/console");
        var api = new Uri(host.BaseUrl, "/api/v1/");
        var events = new Uri(host.BaseUrl, "/feishu/events");
        var cards = new Uri(host.BaseUrl, "/feishu/cards");
        if (console.Log is { } log)
        {
            LogStarted(log, host.BaseUrl, host.Settings.Mode, consoleUrl, ConsoleAdminCredential.UserName, password, api, events, cards);
        }
        else
        {
            var output = console.Out;
            await output.WriteLineAsync($"Larkway Hub listening on {host.BaseUrl} ({ModeName(host.Settings.Mode)} mode)").ConfigureAwait(false);
            await output.WriteLineAsync($"  console:      {consoleUrl} (user {ConsoleAdminCredential.UserName}; its password {password}; {ConsoleAdminCredential.ResetSetting}=1 for one start makes a new one)").ConfigureAwait(false);
            await output.WriteLineAsync($"  REST API:     {api} (Authorization: Bearer <admin key or API key>)").ConfigureAwait(false);
            if (host.Settings.Mode == HubMode.AppsOnly)
            {
                // No configured app: nothing listens at /feishu/events; each app added has its own URLs.
                await output.WriteLineAsync("  apps:         none configured; add DingTalk, WeCom or Feishu apps in the console (Integrations → Apps) or with POST /api/v1/apps").ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"  events:       POST {events}").ConfigureAwait(false);
                await output.WriteLineAsync($"  card actions: POST {cards}").ConfigureAwait(false);
            }
            if (LogFileLine(host.Logging) is { } logLine)
            {
                await output.WriteLineAsync(logLine).ConfigureAwait(false);
            }
        }

        if (host.Emulator is not null)
        {
            var time = host.Services.GetRequiredService<TimeProvider>();
            var sample = (await host.Services.GetRequiredService<BitableSync.BitableSyncService>().ListAsync(CancellationToken.None).ConfigureAwait(false))
                .FirstOrDefault(s => s.Name == SandboxBitableSample.SyncName);
            var adminKey = host.Services.GetRequiredService<HubAdminKey>();
            await adminKey.GetHashAsync(CancellationToken.None).ConfigureAwait(false);
            var key = adminKey.IsConfigured ? SandboxGuide.AdminKey.Configured
                : adminKey.GeneratedKey is { } generated ? SandboxGuide.AdminKey.Generated(generated)
                : SandboxGuide.AdminKey.Earlier(await adminKey.ShownAtAsync(CancellationToken.None).ConfigureAwait(false));
            var assistant = await host.Services.GetRequiredService<Assistants.Configuration.AssistantService>().GetAsync(SandboxAssistant.Name, CancellationToken.None).ConfigureAwait(false);
            var start = new SandboxStart(host.Emulator, host.BaseUrl, host.Services, host.Services.GetRequiredService<IConfiguration>());
            var platforms = await SandboxPlatforms.BannersAsync(start, host.SandboxProblems, assistant, CancellationToken.None).ConfigureAwait(false);
            await SandboxGuide.WriteAsync(console, host.Emulator, host.Settings, host.BaseUrl, time, CancellationToken.None, sample, key, platforms, assistant).ConfigureAwait(false);
        }

        await console.Out.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>The mode as the start's banner and the settings name it (<c>apps-only</c>, <c>long-connection</c>).</summary>
    internal static string ModeName(HubMode mode) => mode switch
    {
        HubMode.AppsOnly => "apps-only",
        HubMode.LongConnection => "long-connection",
        _ => mode.ToString().ToLowerInvariant(),
    };

    /// <summary>Where the whole log is and what this console shows of it; null when there is no log file (the console has it all).</summary>
    internal static string? LogFileLine(HubLogOutputs logging) => logging.File is not { } file ? null
        : logging.Console == ConsoleLogLevel.Warnings
            ? $"  full log:     {HubConsole.ForDisplay(file.Path)} (this console shows warnings and errors; {ConsoleLogSettings.EnvironmentVariable}=all shows everything here too)"
            : $"  full log:     {HubConsole.ForDisplay(file.Path)} (and on this console: {ConsoleLogSettings.EnvironmentVariable}=all)";

    [LoggerMessage(EventId = LogEvents.HubAppStarted, Level = LogLevel.Information,
        Message = "Larkway Hub listening on {Url} ({Mode} mode); console {ConsoleUrl} (user {ConsoleUser}; its password {ConsolePasswordLocation}); REST API {ApiUrl}; events POST {EventsUrl}; card actions POST {CardsUrl}")]
    private static partial void LogStarted(ILogger logger, Uri url, HubMode mode, Uri consoleUrl, string consoleUser, string consolePasswordLocation, Uri apiUrl, Uri eventsUrl, Uri cardsUrl);
}
