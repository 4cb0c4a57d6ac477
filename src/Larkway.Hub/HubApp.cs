using System.Net;
using System.Security.Cryptography;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.AspNetCore;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Configuration;
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

    /// <summary>Runs until Ctrl+C / SIGTERM. Exit code 2 for configuration that cannot work.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        HubHost host;
        try
        {
            host = await StartAsync(args).ConfigureAwait(false);
        }
        catch (HubConfigurationException ex)
        {
            await Console.Error.WriteLineAsync("larkway hub: " + ex.Message).ConfigureAwait(false);
            return 2;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("larkway hub: " + ex.Message).ConfigureAwait(false);
            return 2;
        }

        await using (host.ConfigureAwait(false))
        {
            await PrintBannerAsync(host).ConfigureAwait(false);
            await host.App.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Builds and starts the Hub. <paramref name="configure"/> runs first (tests add configuration there).</summary>
    public static async Task<HubHost> StartAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
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

        // Before anything starts: a port another program holds is one line naming the setting, not an aborted start.
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey)!;
        ListenAddressCheck.EnsureAvailable(urls, "The Hub", ListenAddressCheck.HubSetting);
        EmulatorServer? emulator = null;
        if (settings.Mode == HubMode.Sandbox)
        {
            var stateFile = SandboxEmulatorState.FileFor(builder.Configuration);
            if (stateFile is not null && !SandboxEmulatorState.IsConfigured(builder.Configuration) && !CanMakeFolderOf(stateFile))
            {
                // The database's own folder: its check, a moment later, names the problem and the setting in one line.
                stateFile = null;
            }

            emulator = await StartSandboxEmulatorAsync(settings.EmulatorPort, stateFile, cancellationToken).ConfigureAwait(false);
            settings = settings with
            {
                AppId = EmulatorOptions.DefaultAppId,
                AppSecret = EmulatorOptions.DefaultDevSecret,
                BaseUrl = emulator.BaseUrl,

                // Fresh per run: the sandbox exercises the same signed, encrypted path as production.
                EncryptKey = RandomKey(),
                VerificationToken = RandomKey(),
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

            if (emulator is not null)
            {
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
            }

            return new HubHost(app, baseUrl, settings, emulator);
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

    private static async Task<EmulatorServer> StartSandboxEmulatorAsync(int port, string? stateFile, CancellationToken cancellationToken)
    {
        var cannot = $"The sandbox Emulator cannot listen on http://127.0.0.1:{port}";
        if (port != 0)
        {
            ListenAddressCheck.EnsureAvailable(new IPEndPoint(IPAddress.Loopback, port), cannot, ListenAddressCheck.EmulatorSetting);
        }

        try
        {
            return await EmulatorServer.StartAsync(new EmulatorOptions { Port = port, StateFile = stateFile }, cancellationToken).ConfigureAwait(false);
        }
        catch (EmulatorStateFileException ex)
        {
            throw new HubConfigurationException($"{ex.Message} ({SandboxEmulatorState.Setting} names the sandbox Emulator's state file; 'off' keeps the sandbox in memory.)", ex);
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
        services.TryAddSingleton(TimeProvider.System);
        services.AddFeishu(o =>
        {
            o.AppId = settings.AppId!;
            o.AppSecret = settings.AppSecret!;
            if (settings.BaseUrl is not null)
            {
                o.BaseUrl = settings.BaseUrl;
            }
        });

        AddBot(services, configuration);

        services.AddHubStorage(configuration);
        services.AddHubLeases(configuration);
        services.AddHubInbox(configuration);
        services.AddHubEventDispatcher(AppName, (sp, dispatcher) => sp.GetRequiredService<AppBot>().RegisterOn(dispatcher));
        services.AddHubEventIgnoreRule(AppName, sp => sp.GetRequiredService<AppBot>().LeavesAlone);
        services.AddHubAuth();
        services.AddHubNotifications(configuration);
        services.AddHubWebhooks(configuration);
        services.AddHubApprovals(configuration);
        services.AddHubConsole();
        services.AddHubApps(configuration);
        services.AddHubObservability(configuration, settings);
        services.AddHubMonitoring(configuration);
        services.AddHubAlerts(configuration);
        services.AddHubDirectory(configuration);
        services.AddHubBitableSync(configuration);
        services.AddHubIdentity(configuration);

        services.AddFeishuEventReceiver(AppName, o =>
        {
            o.EncryptKey = settings.EncryptKey;
            o.VerificationToken = settings.VerificationToken;
            o.AcceptLegacyCardCallbacks = settings.LegacyCardCallbacks;

            // Long-connection mode has no webhook secrets; the endpoints then only answer with 4xx.
            if (o.EncryptKey is null && o.VerificationToken is null)
            {
                o.VerificationToken = RandomKey();
            }
        }).UseSink(sp => sp.GetRequiredService<InboxEventSink>());

        if (settings.Mode == HubMode.LongConnection)
        {
            // Every replica runs it; only the holder of the lease long-connection/{app id} connects.
            services.AddSingleton<LongConnectionService>();
            services.AddHostedService(sp => sp.GetRequiredService<LongConnectionService>());
        }
    }

    private static void AddBot(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BotOptions>().Bind(configuration.GetSection(BotOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BotOptions>, BotOptionsValidator>());
        services.TryAddSingleton(_ => new BotCommands().AddSamples());
        services.TryAddSingleton(sp => new BotCardActions().AddSamples()
            .AddNotificationCards(sp.GetRequiredService<NotificationCardActions>()));

        // Apps added at run time have no bot yet, but clicks on the notifications they sent are answered the same way.
        services.AddHubStoredAppDispatcher((sp, appName, dispatcher) => dispatcher.AddNotificationCards(appName, sp.GetRequiredService<NotificationCardActions>()));
        services.TryAddSingleton<IBotConversationStore, DbBotConversationStore>();
        services.TryAddSingleton(sp => new BotIdentity(sp.GetRequiredService<IFeishuClientFactory>().GetClient(AppName)));
        services.TryAddSingleton<IBotMessenger>(sp => new FeishuBotMessenger(sp.GetRequiredService<IFeishuClientFactory>().GetClient(AppName)));
        services.TryAddSingleton(sp => new AppBot(
            AppName,
            sp.GetRequiredService<BotCommands>(),
            sp.GetRequiredService<BotCardActions>(),
            sp.GetRequiredService<IOptions<BotOptions>>().Value,
            sp.GetRequiredService<IBotMessenger>(),
            sp.GetRequiredService<IBotConversationStore>(),
            sp.GetRequiredService<BotIdentity>().GetAsync,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AppBot>>()));
    }

    internal static void MapHub(WebApplication app)
    {
        app.UseHubForwardedHeaders(app.Services.GetRequiredService<HubSettings>());
        app.UseMiddleware<BadRequestShield>();
        app.UseMiddleware<StorageBusyShield>();
        app.MapFeishuEvents("/feishu/events", AppName);
        app.MapFeishuCardActions("/feishu/cards", AppName);
        app.MapHubObservability();
        app.MapHubInboxApi();
        app.MapHubNotificationsApi();
        app.MapHubWebhooksApi();
        app.MapHubApprovalsApi();
        app.MapHubDirectoryApi();
        app.MapHubBitableSyncApi();
        app.MapHubConsole();
        app.MapHubApps();
        app.MapHubIdentity();
    }

    private static Uri ListeningUrl(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no listening address.");
        return new Uri(address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
    }

    private static string RandomKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task PrintBannerAsync(HubHost host)
    {
        var console = host.Services.GetRequiredService<HubConsole>();
        var output = console.Out;
        await output.WriteLineAsync($"Larkway Hub listening on {host.BaseUrl} ({host.Settings.Mode} mode)").ConfigureAwait(false);
        await output.WriteLineAsync($"  console:      {new Uri(host.BaseUrl, "/console")} (user admin; the password was shown at the first start)").ConfigureAwait(false);
        await output.WriteLineAsync($"  REST API:     {new Uri(host.BaseUrl, "/api/v1/")} (Authorization: Bearer <admin key or API key>)").ConfigureAwait(false);
        await output.WriteLineAsync($"  events:       POST {new Uri(host.BaseUrl, "/feishu/events")}").ConfigureAwait(false);
        await output.WriteLineAsync($"  card actions: POST {new Uri(host.BaseUrl, "/feishu/cards")}").ConfigureAwait(false);
        if (host.Emulator is not null)
        {
            var time = host.Services.GetRequiredService<TimeProvider>();
            var sample = (await host.Services.GetRequiredService<BitableSync.BitableSyncService>().ListAsync(CancellationToken.None).ConfigureAwait(false))
                .FirstOrDefault(s => s.Name == SandboxBitableSample.SyncName);
            await SandboxGuide.WriteAsync(console, host.Emulator, host.Settings, host.BaseUrl, time, CancellationToken.None, sample).ConfigureAwait(false);
        }

        await output.FlushAsync().ConfigureAwait(false);
    }
}
