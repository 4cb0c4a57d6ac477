using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Sandbox;

/// <summary>
/// The sandbox's people on every platform: the directory is synced from the Emulator's Feishu contacts at the first start,
/// then each platform's sandbox person who prefers it (<see cref="ISandboxPlatform.Person"/>: Bob DingTalk, Carol WeCom;
/// Alice keeps the directory's order, Feishu first) is given it, so one notification to them as <c>{"person": …}</c> or by
/// email reaches each on their own platform. Done once (an administrator's later choices are kept);
/// <c>Larkway:Sandbox:People=false</c> leaves it out.
/// </summary>
internal static partial class SandboxPeople
{
    /// <summary>Who prefers which platform, by their sandbox email, in the platforms' registration order.</summary>
    public static IReadOnlyList<(SandboxPerson Person, string Platform)> Preferences(IServiceProvider services) =>
        [.. SandboxPlatforms.Each(services).Where(p => p.Part.Person.Prefers).Select(p => (p.Part.Person, p.Platform))];

    private const string DoneSetting = "sandbox.people_platforms";

    private static readonly TimeSpan WaitForSync = TimeSpan.FromMinutes(2);

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Larkway:Sandbox:People", true);

    /// <summary>Starts the work in the background: the Hub is serving while the directory syncs.</summary>
    public static void Start(IServiceProvider services, CancellationToken stopping) =>
        _ = Task.Run(() => RunAsync(services, stopping), CancellationToken.None);

    private static async Task RunAsync(IServiceProvider services, CancellationToken stopping)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SandboxPeople).FullName!);
        try
        {
            var settings = services.GetRequiredService<HubSettingStore>();
            if (await settings.GetAsync(DoneSetting, stopping).ConfigureAwait(false) is not null)
            {
                return;
            }

            var preferences = Preferences(services);
            if (preferences.Count == 0)
            {
                return;
            }

            var links = services.GetRequiredService<PersonLinkStore>();
            if (await links.ActivePersonByEmailAsync(preferences[0].Person.Email, stopping).ConfigureAwait(false) is null)
            {
                await services.GetRequiredService<DirectoryService>().StartSyncAsync(DirectorySyncKind.Full, "sandbox", stopping).ConfigureAwait(false);
            }

            var deadline = DateTimeOffset.UtcNow + WaitForSync;
            while (DateTimeOffset.UtcNow < deadline)
            {
                var people = new List<(PersonRow Person, string Platform)>();
                foreach (var (who, platform) in preferences)
                {
                    if (await links.ActivePersonByEmailAsync(who.Email, stopping).ConfigureAwait(false) is { } person)
                    {
                        people.Add((person, platform));
                    }
                }

                if (people.Count == preferences.Count)
                {
                    foreach (var (person, platform) in people)
                    {
                        await links.SetPreferredPlatformAsync(person.Id, platform, stopping).ConfigureAwait(false);
                    }

                    await settings.SetAsync(DoneSetting, "done", stopping).ConfigureAwait(false);
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
            }

            LogNotSet(logger, $"the directory sync did not bring {string.Join(" and ", preferences.Select(p => p.Person.Name))} within two minutes");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The Hub stopped first; the next start tries again.
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException or Microsoft.EntityFrameworkCore.DbUpdateException or Larkway.Clients.LarkwayApiException or HttpRequestException)
        {
            LogNotSet(logger, ex.GetType().Name + ": " + ex.Message);
        }
    }

    [LoggerMessage(EventId = LogEvents.SandboxPeopleNotSet, Level = LogLevel.Warning, Message = "The sandbox's people were not given their platforms ({Reason}); set them on their directory pages.")]
    private static partial void LogNotSet(ILogger logger, string reason);
}
