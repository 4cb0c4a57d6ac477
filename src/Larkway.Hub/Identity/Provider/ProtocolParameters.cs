using Microsoft.Extensions.Primitives;

namespace Larkway.Hub.Identity.Provider;

/// <summary>
/// A protocol request's parameters (query or form) with the rules RFC 6749 §3.1 sets for all of them: a parameter
/// sent twice is refused (it could be read two ways), one sent empty counts as absent.
/// </summary>
internal sealed class ProtocolParameters
{
    private readonly Dictionary<string, string> _values;

    private ProtocolParameters(Dictionary<string, string> values, string? repeated)
    {
        _values = values;
        Repeated = repeated;
    }

    /// <summary>The first parameter that came more than once, or null.</summary>
    public string? Repeated { get; }

    /// <summary>All parameters, for carrying an authorization request through the sign-in.</summary>
    public IReadOnlyDictionary<string, string> All => _values;

    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    public static ProtocolParameters From(IEnumerable<KeyValuePair<string, StringValues>> pairs)
    {
        string? repeated = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            if (value.Count > 1)
            {
                repeated ??= name;
            }

            if (value.Count > 0 && !string.IsNullOrEmpty(value[0]))
            {
                values[name] = value[0]!;
            }
        }

        return new ProtocolParameters(values, repeated);
    }

    public static ProtocolParameters Of(IReadOnlyDictionary<string, string> values) => new(new Dictionary<string, string>(values, StringComparer.Ordinal), null);
}
