using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// The members a request body may hold, at every depth, so that a member the API does not know (a typo such as
/// <c>recipents</c>) is refused with the known ones named instead of being ignored. A typed body's shape comes from its
/// <see cref="JsonTypeInfo"/> (<see cref="For"/>); a body parsed by hand declares its own (<see cref="Object"/>). Parts that
/// hold free-form data by design (template variables, a card, form values, dictionaries, <see cref="JsonElement"/>) are
/// <see cref="Any"/>: whatever they hold is accepted.
/// </summary>
public sealed class JsonShape
{
    private static readonly ConcurrentDictionary<JsonTypeInfo, JsonShape> Typed = new();

    private readonly Dictionary<string, JsonShape>? _members;
    private JsonShape? _items;

    private JsonShape(Dictionary<string, JsonShape>? members, JsonShape? items)
    {
        _members = members;
        _items = items;
    }

    /// <summary>Any value: free-form data, or a scalar.</summary>
    public static JsonShape Any { get; } = new(null, null);

    /// <summary>An object with exactly these members (a member's shape null: any value).</summary>
    public static JsonShape Object(params (string Name, JsonShape? Shape)[] members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return new(members.ToDictionary(m => m.Name, m => m.Shape ?? Any, StringComparer.Ordinal), null);
    }

    /// <summary>An object with exactly these members, each any value.</summary>
    public static JsonShape Fields(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return Object([.. names.Select(n => (n, (JsonShape?)null))]);
    }

    /// <summary>An array whose items have <paramref name="items"/>' shape.</summary>
    public static JsonShape ArrayOf(JsonShape items) => new(null, items);

    /// <summary>The shape of a serialisable type: its properties by their JSON names, nested types followed.</summary>
    public static JsonShape For(JsonTypeInfo type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Typed.GetOrAdd(type, static t => Build(t, new Dictionary<Type, JsonShape>()));
    }

    /// <summary>The member names an object of this shape takes, in declaration order.</summary>
    public IEnumerable<string> Known => _members?.Keys ?? Enumerable.Empty<string>();

    /// <summary>
    /// Adds a problem (path, message) for every member of <paramref name="value"/> this shape does not know, at every
    /// depth; values of another kind than the shape expects are left to the endpoint's own checks.
    /// </summary>
    public void FindUnknown(JsonElement value, List<(string Path, string Message)> problems, string path = "")
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (_members is not null && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in value.EnumerateObject())
            {
                var at = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
                if (_members.TryGetValue(member.Name, out var shape))
                {
                    shape.FindUnknown(member.Value, problems, at);
                }
                else
                {
                    problems.Add((at, "Unknown field; known fields: " + string.Join(", ", _members.Keys) + "."));
                }
            }
        }
        else if (_items is not null && value.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                _items.FindUnknown(item, problems, $"{path}[{index++}]");
            }
        }
    }

    /// <summary>The unknown members of <paramref name="value"/> as "path: message" sentences; empty when there are none.</summary>
    public List<(string Path, string Message)> FindUnknown(JsonElement value)
    {
        var problems = new List<(string Path, string Message)>();
        FindUnknown(value, problems);
        return problems;
    }

    private static JsonShape Build(JsonTypeInfo type, Dictionary<Type, JsonShape> building)
    {
        if (building.TryGetValue(type.Type, out var known))
        {
            return known;
        }

        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object when !type.Properties.Any(IsExtensionData):
            {
                var members = new Dictionary<string, JsonShape>(StringComparer.Ordinal);
                var shape = new JsonShape(members, null);
                building[type.Type] = shape; // a type that contains itself refers back to the shape being built
                foreach (var property in type.Properties)
                {
                    members[property.Name] = Nested(type.Options, property.PropertyType, building);
                }

                return shape;
            }

            case JsonTypeInfoKind.Enumerable when type.ElementType is { } element:
            {
                var shape = new JsonShape(null, null);
                building[type.Type] = shape;
                shape._items = Nested(type.Options, element, building);
                return shape;
            }

            default:
                // Dictionaries (keys are data), JsonElement/JsonNode, scalars and types with extension data hold anything.
                return Any;
        }
    }

    private static JsonShape Nested(JsonSerializerOptions options, Type type, Dictionary<Type, JsonShape> building) =>
        options.TryGetTypeInfo(type, out var info) ? Build(info, building) : Any;

    private static bool IsExtensionData(JsonPropertyInfo property) => property.IsExtensionData;
}
