using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.AdminConsole.Auth;

/// <summary>How long a console sign-in lasts (<c>Larkway:Console</c>).</summary>
public sealed class ConsoleSessionOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Console";

    /// <summary>Longest accepted session setting: a year.</summary>
    public static readonly TimeSpan MaxSetting = TimeSpan.FromDays(366);

    /// <summary>A session ends after this long unused (slides with use).</summary>
    public TimeSpan SessionIdle { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A session ends this long after sign-in, however it is used.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (SessionIdle <= TimeSpan.Zero || SessionIdle > MaxSetting)
        {
            yield return new($"{SectionName}:SessionIdle must be positive and at most 366 days.", [nameof(SessionIdle)]);
        }

        if (SessionLifetime <= TimeSpan.Zero || SessionLifetime > MaxSetting)
        {
            yield return new($"{SectionName}:SessionLifetime must be positive and at most 366 days.", [nameof(SessionLifetime)]);
        }
    }
}

/// <summary>Checks <see cref="ConsoleSessionOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class ConsoleSessionOptionsValidator : IValidateOptions<ConsoleSessionOptions>;
