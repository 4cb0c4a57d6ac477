using System.Text.Json.Serialization;

namespace Larkway.Emulator.Platform;

/// <summary>
/// A fault armed through <c>POST /_emulator/faults</c>: the next <see cref="Count"/> calls to
/// <see cref="Endpoint"/> ("METHOD /path/{template}" or "*") fail as <see cref="Kind"/>; with <see cref="Every"/>
/// n, only every n-th matching call fails (the others pass through) until the count is used: intermittent faults.
/// </summary>
public sealed record FaultRule(
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("delay_ms")] int? DelayMs = null,
    [property: JsonPropertyName("reset_seconds")] int? ResetSeconds = null,
    [property: JsonPropertyName("every")] int? Every = null)
{
    public const string RateLimit = "rate_limit";
    public const string ServerError = "server_error";
    public const string Delay = "delay";
    public const string InvalidToken = "invalid_token";

    /// <summary>HTTP 503: the service is briefly unavailable (the OAuth token endpoint answers 20072).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The call is carried out, then answered 500: the caller cannot tell it from a call that did nothing.</summary>
    public const string ServerErrorAfter = "server_error_after";

    /// <summary>HTTP 400, 99991672: the app has not been granted a scope the API needs (e.g. CardKit's on an app without it).</summary>
    public const string ScopeDenied = "scope_denied";

    public static bool IsKnownKind(string kind) => kind is RateLimit or ServerError or Delay or InvalidToken or ServerErrorAfter or Unavailable or ScopeDenied;

    /// <summary>Matching calls this rule let through since it last fired (for <see cref="Every"/>).</summary>
    [JsonIgnore]
    public int Passed { get; init; }
}

/// <summary>Armed faults, consumed in the order they were added.</summary>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];

    public void Add(FaultRule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }
    }

    public IReadOnlyList<FaultRule> List()
    {
        lock (_gate)
        {
            return [.. _rules];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>
    /// Takes one shot of the first matching rule that fires on this call, if any. A rule with <c>every</c> n lets
    /// n - 1 matching calls pass (to later rules, or to normal handling) before it fires.
    /// </summary>
    public FaultRule? TryTake(string operation)
    {
        lock (_gate)
        {
            for (var index = 0; index < _rules.Count; index++)
            {
                var rule = _rules[index];
                if (rule.Endpoint != "*" && !string.Equals(Normalize(rule.Endpoint), operation, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (rule.Every is > 1 && rule.Passed + 1 < rule.Every)
                {
                    _rules[index] = rule with { Passed = rule.Passed + 1 };
                    continue;
                }

                if (rule.Count <= 1)
                {
                    _rules.RemoveAt(index);
                }
                else
                {
                    _rules[index] = rule with { Count = rule.Count - 1, Passed = 0 };
                }

                return rule;
            }

            return null;
        }
    }

    /// <summary>"post  /open-apis/x/" → "POST /open-apis/x" so callers need not match our spelling exactly.</summary>
    public static string Normalize(string endpoint)
    {
        var parts = endpoint.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2
            ? parts[0].ToUpperInvariant() + " " + parts[1].TrimEnd('/')
            : endpoint.Trim();
    }
}
