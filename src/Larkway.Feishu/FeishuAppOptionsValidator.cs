using Microsoft.Extensions.Options;

namespace Larkway.Feishu;

/// <summary>Checks app options at start, with messages that say which setting to fix and where.</summary>
internal sealed class FeishuAppOptionsValidator : IValidateOptions<FeishuAppOptions>
{
    /// <summary>Names of the apps registered with <c>AddFeishu</c>/<c>AddApp</c>; other names are not ours to judge.</summary>
    private readonly HashSet<string> _names;

    public FeishuAppOptionsValidator(IEnumerable<FeishuAppName> names) => _names = names.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);

    public ValidateOptionsResult Validate(string? name, FeishuAppOptions options)
    {
        name ??= Options.DefaultName;
        if (!_names.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        // A host that only uses named apps leaves the default one blank: that is not a mistake to stop
        // the start for. Resolving the default client still fails, naming the missing settings.
        if (name == Options.DefaultName && _names.Count > 1
            && string.IsNullOrWhiteSpace(options.AppId) && string.IsNullOrWhiteSpace(options.AppSecret))
        {
            return ValidateOptionsResult.Skip;
        }

        var problems = Problems(options, Where(name)).Select(p => p.Message).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>For the client built without DI: the first problem as an exception.</summary>
    public static void ThrowIfInvalid(FeishuAppOptions options) =>
        ThrowFirst(options, new Location("FeishuAppOptions", "FeishuAppOptions.{0} (the CLI and the default DI app read it from the {1} environment variable)"));

    /// <summary>For app <paramref name="name"/> under DI, when it is first used: the first problem as an exception.</summary>
    public static void ThrowIfInvalid(FeishuAppOptions options, string name) => ThrowFirst(options, Where(name));

    private static void ThrowFirst(FeishuAppOptions options, Location where)
    {
        var problem = Problems(options, where).FirstOrDefault();
        if (problem.Message is null)
        {
            return;
        }

        if (problem.MissingCredentials)
        {
            throw new FeishuApiException(FeishuErrorCodes.MissingCredentials, problem.Message);
        }

        throw new ArgumentException(problem.Message, nameof(options));
    }

    private static Location Where(string name) => name == Options.DefaultName
        ? new Location("the default Feishu app", $"{FeishuAppOptions.SectionName}:{{0}} in configuration (or the {{1}} environment variable)")
        : new Location($"Feishu app '{name}'", $"{FeishuAppOptions.SectionName}:Apps:{name}:{{0}} in configuration");

    private static IEnumerable<(string Message, bool MissingCredentials)> Problems(FeishuAppOptions options, Location where)
    {
        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            yield return ($"{where.App}: AppId is missing. Set {where.Setting("AppId", FeishuAppOptions.AppIdVariable)}.", true);
        }

        if (string.IsNullOrWhiteSpace(options.AppSecret))
        {
            yield return ($"{where.App}: AppSecret is missing. Set {where.Setting("AppSecret", FeishuAppOptions.AppSecretVariable)}.", true);
        }

        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            yield return ($"{where.App}: BaseUrl '{options.BaseUrl}' is not an absolute http(s) URL. Set {where.Setting("BaseUrl", FeishuAppOptions.BaseUrlVariable)} to https://open.feishu.cn, https://open.larksuite.com or an emulator's URL.", false);
        }

        if (options.Timeout <= TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            yield return ($"{where.App}: Timeout must be positive (it is {options.Timeout}).", false);
        }

        if (options.TokenRefreshMargin < TimeSpan.Zero || options.TokenRefreshMargin >= TimeSpan.FromHours(1))
        {
            yield return ($"{where.App}: TokenRefreshMargin must be between 0 and 1 hour (it is {options.TokenRefreshMargin}); tokens live 2 hours.", false);
        }

        if (options.Retry is null || options.Retry.MaxRetries is < 0 or > 10 || options.Retry.BaseDelay < TimeSpan.Zero || options.Retry.MaxDelay < options.Retry.BaseDelay)
        {
            yield return ($"{where.App}: Retry needs MaxRetries between 0 and 10 and 0 <= BaseDelay <= MaxDelay.", false);
        }

        if (options.RateLimit is null || (options.RateLimit.Enabled
            && (options.RateLimit.MessagesPerSecond < 1 || options.RateLimit.MessagesPerSecondPerReceiver < 1 || options.RateLimit.QueueLimit < 0)))
        {
            yield return ($"{where.App}: RateLimit needs MessagesPerSecond and MessagesPerSecondPerReceiver of at least 1 and a QueueLimit of 0 or more.", false);
        }

        if (options.Bitable is null)
        {
            yield return ($"{where.App}: Bitable must not be null.", false);
        }
        else
        {
            foreach (var problem in options.Bitable.Problems())
            {
                yield return ($"{where.App}: {problem}.", false);
            }
        }

        if (options.Docs is null)
        {
            yield return ($"{where.App}: Docs must not be null.", false);
        }
        else
        {
            foreach (var problem in options.Docs.Problems())
            {
                yield return ($"{where.App}: {problem}", false);
            }
        }

        if (options.RateLimit is { Enabled: true } limits && limits.MessagesPerMinute < limits.MessagesPerSecond)
        {
            yield return ($"{where.App}: RateLimit:MessagesPerMinute ({limits.MessagesPerMinute}) must be at least MessagesPerSecond ({limits.MessagesPerSecond}); Feishu allows 1,000 a minute and 50 a second.", false);
        }
    }

    private sealed record Location(string App, string SettingFormat)
    {
        public string Setting(string option, string variable) => string.Format(System.Globalization.CultureInfo.InvariantCulture, SettingFormat, option, variable);
    }
}

/// <summary>Marks an app name registered with <c>AddFeishu</c>/<c>AddApp</c>.</summary>
internal sealed record FeishuAppName(string Name);
