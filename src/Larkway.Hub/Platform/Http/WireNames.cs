using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// Writes and reads an enum by its snake_case member name (<c>DeadLetter</c> ↔ <c>dead_letter</c>) and refuses numbers.
/// Put it on every enum the APIs show; <see cref="WireName{TEnum}"/> gives the same names to query parameters and texts.
/// </summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>The names <see cref="SnakeCaseEnumConverter{TEnum}"/> writes, for query parameters, metric tags and texts.</summary>
internal static class WireName<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToFrozenDictionary(value => value, value => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()));

    /// <summary>Every name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<TEnum>().Select(value => Names[value])];

    /// <summary>The wire name of <paramref name="value"/> (for a combination of flags, the names joined by ", ").</summary>
    public static string Of(TEnum value) =>
        Names.TryGetValue(value, out var name) ? name : JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>Accepts the wire name (<c>dead_letter</c>) or the member name (<c>DeadLetter</c>), any case; never a number.</summary>
    public static bool TryParse(string? value, out TEnum parsed) =>
        TryFind((candidate, name) => string.Equals(value, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(value, candidate.ToString(), StringComparison.OrdinalIgnoreCase), out parsed);

    /// <summary>Accepts the wire name exactly as <see cref="Of"/> writes it, nothing else.</summary>
    public static bool TryParseExact(string? value, out TEnum parsed) =>
        TryFind((_, name) => string.Equals(value, name, StringComparison.Ordinal), out parsed);

    /// <summary>
    /// Reads a filter naming a status the API shows (<typeparamref name="TEnum"/>) as the first stored state that shows
    /// as it, for APIs whose vocabulary differs from the stored one (the queue's <c>Done</c> shown as <c>delivered</c>).
    /// </summary>
    public static bool TryParseAs<TState>(string? value, Func<TState, TEnum> shownAs, out TState state)
        where TState : struct, Enum
    {
        state = default;
        if (!TryParse(value, out var shown))
        {
            return false;
        }

        foreach (var candidate in Enum.GetValues<TState>())
        {
            if (EqualityComparer<TEnum>.Default.Equals(shownAs(candidate), shown))
            {
                state = candidate;
                return true;
            }
        }

        return false;
    }

    /// <summary>The names joined by ", ", for error texts that list what may be sent.</summary>
    public static string Choices => string.Join(", ", All);

    private static bool TryFind(Func<TEnum, string, bool> matches, out TEnum parsed)
    {
        foreach (var (candidate, name) in Names)
        {
            if (matches(candidate, name))
            {
                parsed = candidate;
                return true;
            }
        }

        parsed = default;
        return false;
    }
}
