using System.ComponentModel.DataAnnotations;
using Larkway.Feishu;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Apps;

/// <summary>
/// The Feishu apps the Hub serves: the configured default app (name <c>""</c> or <see cref="HubAppService.DefaultAppName"/>)
/// and the apps stored with <see cref="HubAppService"/>. Hands out one <see cref="FeishuClient"/> per app (cached; rebuilt
/// when the app changes, on this replica at once and on others within <see cref="HubAppsOptions.RefreshInterval"/>).
/// </summary>
public interface IHubApps
{
    /// <summary>The client of an app. Do not dispose it; it is shared.</summary>
    /// <exception cref="HubAppNotFoundException">No enabled app has that name.</exception>
    ValueTask<FeishuClient> GetClientAsync(string appName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The client of an app, for synchronous callers (reads the database only when the cached list of apps is older than
    /// <see cref="HubAppsOptions.RefreshInterval"/>).
    /// </summary>
    /// <exception cref="HubAppNotFoundException">No enabled app has that name.</exception>
    FeishuClient GetClient(string appName);
}

/// <summary>No enabled app has the name.</summary>
public sealed class HubAppNotFoundException : Exception
{
    public HubAppNotFoundException()
    {
    }

    public HubAppNotFoundException(string message)
        : base(message)
    {
    }

    public HubAppNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static HubAppNotFoundException For(string appName, bool disabled) => new(disabled
        ? $"The Feishu app '{appName}' is disabled in the Hub; enable it (PATCH /api/v1/apps/{appName} {{\"enabled\":true}})."
        : $"The Hub has no Feishu app named '{appName}' (GET /api/v1/apps lists them).");
}

/// <summary>Settings of the app registry (<c>Larkway:Apps</c>).</summary>
public sealed class HubAppsOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Larkway:Apps";

    /// <summary>How old the cached list of apps may get before it is read again: how soon a replica sees another's change. Default 3 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a replaced client stays alive for calls still using it before it is disposed. Default 2 minutes.</summary>
    public TimeSpan RetiredClientGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Each setting's accepted range, and the rules that relate settings.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (RefreshInterval <= TimeSpan.Zero)
        {
            yield return new("Larkway:Apps:RefreshInterval must be positive.", [nameof(RefreshInterval)]);
        }

        if (RetiredClientGrace < TimeSpan.Zero)
        {
            yield return new("Larkway:Apps:RetiredClientGrace must not be negative.", [nameof(RetiredClientGrace)]);
        }
    }
}

/// <summary>Checks <see cref="HubAppsOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class HubAppsOptionsValidator : IValidateOptions<HubAppsOptions>;
