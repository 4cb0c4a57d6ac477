using System.Text.Json.Nodes;

namespace Larkway.Feishu.Cards;

/// <summary>Builds a <c>column_set</c>: <c>{"tag":"column_set","columns":[{"tag":"column",…,"elements":[…]}]}</c>.</summary>
public sealed class ColumnSetBuilder
{
    private readonly CardSchemaVersion _version;
    private readonly JsonArray _columns = [];

    internal ColumnSetBuilder(CardSchemaVersion version) => _version = version;

    /// <summary>
    /// Adds a column sized by <paramref name="weight"/> relative to its siblings
    /// (<c>"width":"weighted","weight":n</c>, 1–5) and fills it with components.
    /// </summary>
    public ColumnSetBuilder Column(Action<ColumnBuilder> build, int weight = 1)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentOutOfRangeException.ThrowIfLessThan(weight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, 5);
        var column = new ColumnBuilder(_version);
        build(column);
        _columns.Add((JsonNode)column.Build(weight));
        return this;
    }

    internal JsonObject Build()
    {
        if (_columns.Count == 0)
        {
            throw new InvalidOperationException("A column_set needs at least one column.");
        }

        return new JsonObject { ["tag"] = "column_set", ["columns"] = _columns.DeepClone() };
    }
}

/// <summary>The components of one column of a <c>column_set</c>.</summary>
public sealed class ColumnBuilder : CardElementsBuilder<ColumnBuilder>
{
    internal ColumnBuilder(CardSchemaVersion version)
        : base(version)
    {
    }

    internal JsonObject Build(int weight) => new()
    {
        ["tag"] = "column",
        ["width"] = "weighted",
        ["weight"] = weight,
        ["elements"] = Elements.DeepClone(),
    };
}
