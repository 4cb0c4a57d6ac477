using System.Text.Json.Serialization;

namespace Larkway.Emulator.Platform;

/// <summary>
/// A fault armed through <c>POST /_emulator/faults</c>: the next <see cref="Count"/> calls to
/// <see cref="Endpoint"/> ("METHOD /path/{template}" or "*") fail as <see cref="Kind"/>.
/// </summary>
public sealed record FaultRule(
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("delay_ms")] int? DelayMs = null,
    [property: JsonPropertyName("reset_seconds")] int? ResetSeconds = null)
{
    public const string RateLimit = "rate_limit";
    public const string ServerError = "server_error";
    public const string Delay = "delay";
    public const string InvalidToken = "invalid_token";

    public static bool IsKnownKind(string kind) => kind is RateLimit or ServerError or Delay or InvalidToken;
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

    /// <summary>Takes one shot of the first rule matching <paramref name="operation"/>, if any.</summary>
    public FaultRule? TryTake(string operation)
    {
        lock (_gate)
        {
            var index = _rules.FindIndex(r => r.Endpoint == "*" || string.Equals(Normalize(r.Endpoint), operation, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }

            var rule = _rules[index];
            if (rule.Count <= 1)
            {
                _rules.RemoveAt(index);
            }
            else
            {
                _rules[index] = rule with { Count = rule.Count - 1 };
            }

            return rule;
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
