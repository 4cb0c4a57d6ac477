using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// The PostgreSQL claim statement of a queue table, built once from the EF Core model (table, column names and the
/// stored form of each state), with parameters {0} owner, {1} lease until, {2} now (Unix ms), {3} batch size, {4} scope value.
/// </summary>
internal static class QueueClaimSql
{
    public static string ForSkipLocked(IEntityType entity, QueueScope? scope)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var tableName = entity.GetTableName() ?? throw new InvalidOperationException($"{entity.DisplayName()} has no table.");
        var store = StoreObjectIdentifier.Table(tableName, entity.GetSchema());
        var table = entity.GetSchema() is { } schema ? $"{Quote(schema)}.{Quote(tableName)}" : Quote(tableName);
        string Column(string property) =>
            Quote((entity.FindProperty(property) ?? throw new InvalidOperationException($"{entity.DisplayName()} has no {property}.")).GetColumnName(store)
                ?? throw new InvalidOperationException($"{property} has no column."));
        var stateProperty = entity.FindProperty(nameof(IWorkItem.State))!;
        string State(WorkState state) => Literal(stateProperty.GetTypeMapping().Converter?.ConvertToProvider(state) ?? (int)state);

        var id = Column(nameof(IWorkItem.Id));
        var state = Column(nameof(IWorkItem.State));
        var next = Column(nameof(IWorkItem.NextAttemptAt));
        var until = Column(nameof(IWorkItem.LeaseUntil));
        var inScope = scope is null ? "" : $" AND {Column(scope.Property)} = {{4}}";
        var owner = Column(nameof(IWorkItem.LeaseOwner));
        var attempts = Column(nameof(IWorkItem.Attempts));
        return $$"""
            UPDATE {{table}} SET {{state}} = {{State(WorkState.InProgress)}}, {{owner}} = {0}, {{until}} = {1}, {{attempts}} = {{attempts}} + 1
            WHERE {{id}} IN (
                SELECT {{id}} FROM {{table}}
                WHERE ((({{state}} = {{State(WorkState.Pending)}} OR {{state}} = {{State(WorkState.Retrying)}}) AND {{next}} <= {2})
                    OR ({{state}} = {{State(WorkState.InProgress)}} AND {{until}} <= {2})){{inScope}}
                ORDER BY {{id}} LIMIT {3}
                FOR UPDATE SKIP LOCKED)
            RETURNING *
            """;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(object value) => value switch
    {
        string text => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"Cannot write {value} as SQL."),
    };
}
