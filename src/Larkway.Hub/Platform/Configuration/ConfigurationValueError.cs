using Microsoft.Extensions.Configuration;

namespace Larkway.Hub.Platform.Configuration;

/// <summary>
/// A setting the configuration binder could not convert to its option's type (<c>AllowPrivateNetworks=perhaps</c>). The
/// binder throws when the options are first read, deep inside the start, and the runtime would abort with a stack
/// trace; it is a setting to correct, so it ends the start with one sentence and exit code 2 like any other.
/// </summary>
internal static class ConfigurationValueError
{
    /// <summary>The sentence for a binder conversion failure anywhere in <paramref name="exception"/>'s chain; null for anything else.</summary>
    public static string? Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // The binder's own message names the value, the setting's path and the type it must have.
            if (e is InvalidOperationException { InnerException: not null } && e.TargetSite?.DeclaringType == typeof(ConfigurationBinder))
            {
                return $"{e.Message} Correct the setting (true or false for a switch, a number for a count or size, a time span as hh:mm:ss) or remove it to use the default.";
            }
        }

        return null;
    }
}
