using System.Reflection;
using System.Text.Json.Serialization;

namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// One JSON policy across the Hub's APIs, webhook bodies and stored shapes: snake_case names, and a null field is left out
/// (<c>WhenWritingNull</c>), so no API answers <c>"field": null</c> where another omits it. Read from the compiled Hub:
/// every <see cref="JsonSerializerContext"/> carries that <see cref="JsonSourceGenerationOptionsAttribute"/>, except the
/// listed ones, each with why; a property that keeps its null on purpose (<c>JsonIgnoreCondition.Never</c>) is listed too.
/// Both lists only shrink: a listed name that is gone, or follows the policy now, fails.
/// </summary>
public sealed class JsonNullPolicyTests
{
    private static readonly Assembly Hub = typeof(Larkway.Hub.Platform.Configuration.HubSettings).Assembly;

    /// <summary>Contexts that differ, with why.</summary>
    private static readonly Dictionary<string, string> OtherContexts = new(StringComparer.Ordinal)
    {
        ["AuditJsonContext"] = "an audit entry's details, a string dictionary: names and nulls of properties do not apply to its entries",
        ["BotJsonContext"] = "a bot conversation's stored state, a string dictionary: as above",
        ["AssistantRoutingJson"] = "an assistant conversation's stored routing, a string dictionary: as above",
        ["AssistantAnsweringJson"] = "the stored history an AI backend gets again, never shown; rows hold PascalCase names, which must still read",
    };

    // Every list answers {items, next} (docs/hub.md, "Lists: one shape, paged").
    private const string LastPage = "every list writes next; null says this is the last page, so a client reads one field rather than its absence";

    /// <summary>Properties whose null is shown on purpose, with why.</summary>
    private static readonly Dictionary<string, string> KeptNulls = new(StringComparer.Ordinal)
    {
        ["FieldChangeDto.Old"] = "a directory change shows both sides: null old is a field set for the first time",
        ["FieldChangeDto.New"] = "a directory change shows both sides: null new is a field cleared",
        ["FieldChangeWire.Old"] = "the history's stored form of the same, unchanged from the rows already stored",
        ["FieldChangeWire.New"] = "the history's stored form of the same, unchanged from the rows already stored",
        ["PreferredPlatformInputDto.Platform"] = "a request's member, never written: null says follow the directory's order, so the OpenAPI document lets it be null",
        ["ApprovalListDto.Next"] = LastPage,
        ["BitableSyncConflictPageDto.Next"] = LastPage,
        ["BitableSyncDeadLetterPageDto.Next"] = LastPage,
        ["BitableSyncListDto.Next"] = LastPage,
        ["BitableSyncPassPageDto.Next"] = LastPage,
        ["AdminEventListDto.Next"] = LastPage,
        ["NotificationListDto.Next"] = LastPage,
        ["ListPage`1.Next"] = LastPage,
        ["SessionListDto.Next"] = LastPage,
        ["ClientListDto.Next"] = LastPage,
        ["PersonListDto.Next"] = LastPage,
        ["DepartmentListDto.Next"] = LastPage,
        ["DirectorySyncListDto.Next"] = LastPage,
    };

    [Fact]
    public void Every_context_names_in_snake_case_and_leaves_nulls_out()
    {
        var off = Contexts()
            .Where(c => !OtherContexts.ContainsKey(c.Name))
            .Where(c => c.GetCustomAttribute<JsonSourceGenerationOptionsAttribute>() is not
            {
                PropertyNamingPolicy: JsonKnownNamingPolicy.SnakeCaseLower,
                DefaultIgnoreCondition: JsonIgnoreCondition.WhenWritingNull,
            })
            .Select(c => c.FullName)
            .ToList();
        off.ShouldBeEmpty("give the context [JsonSourceGenerationOptions(PropertyNamingPolicy = SnakeCaseLower, DefaultIgnoreCondition = WhenWritingNull)]");
    }

    [Fact]
    public void Every_listed_context_still_differs()
    {
        var contexts = Contexts().ToDictionary(c => c.Name, StringComparer.Ordinal);
        var stale = OtherContexts.Keys
            .Where(name => !contexts.TryGetValue(name, out var context)
                || context.GetCustomAttribute<JsonSourceGenerationOptionsAttribute>() is { PropertyNamingPolicy: JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition: JsonIgnoreCondition.WhenWritingNull })
            .ToList();
        stale.ShouldBeEmpty("take it off the list");
    }

    [Fact]
    public void Only_the_listed_properties_show_their_null()
    {
        var kept = Hub.GetTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Never })
                .Select(p => $"{t.Name}.{p.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        kept.Except(KeptNulls.Keys).ShouldBeEmpty("a null field is left out; list a property here, with why, only when its null says something absence does not");
        KeptNulls.Keys.Except(kept).ShouldBeEmpty("take it off the list");
    }

    private static IEnumerable<Type> Contexts() =>
        Hub.GetTypes().Where(t => t.IsSubclassOf(typeof(JsonSerializerContext)) && !t.IsAbstract);
}
