using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// Which column is which field: the key pair, and every mapped column by the field's id (a renamed field keeps its id, so
/// a rename never breaks a sync). Stored as JSON on the sync.
/// </summary>
/// <param name="KeyColumn">The database column that identifies a row.</param>
/// <param name="KeyFieldId">The Bitable field holding the same value.</param>
/// <param name="Columns">Every mapped column (the key pair included).</param>
internal sealed record SyncMapping(string KeyColumn, string KeyFieldId, IReadOnlyList<SyncColumnMapping> Columns)
{
    public string ToJson() => JsonSerializer.Serialize(this, SyncMappingJsonContext.Default.SyncMapping);

    public static SyncMapping FromJson(string json) => JsonSerializer.Deserialize(json, SyncMappingJsonContext.Default.SyncMapping)
        ?? throw new InvalidOperationException("The sync's mapping is empty.");
}

/// <summary>One mapped column.</summary>
/// <param name="Column">The database column.</param>
/// <param name="FieldId">The Bitable field's id (<c>fld…</c>).</param>
internal sealed record SyncColumnMapping(string Column, string FieldId);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SyncMapping))]
[JsonSerializable(typeof(SyncBatchPlan))]
[JsonSerializable(typeof(List<SchemaProblem>))]
[JsonSerializable(typeof(Dictionary<string, string?>))]
internal sealed partial class SyncMappingJsonContext : JsonSerializerContext;

/// <summary>
/// A create batch in flight, saved in the target database before it is sent: after a crash the same records go again with
/// the same client_token, so Bitable answers the ids it already made instead of making them twice.
/// </summary>
/// <param name="ClientToken">The batch's idempotency key.</param>
/// <param name="Keys">The rows' keys, in the order sent.</param>
/// <param name="Values">Each row's canonical values in mapping order.</param>
internal sealed record SyncBatchPlan(Guid ClientToken, IReadOnlyList<string> Keys, IReadOnlyList<IReadOnlyList<string?>> Values);

/// <summary>A column the sync paused because its field changed.</summary>
/// <param name="Column">The database column.</param>
/// <param name="FieldId">The field it was mapped to.</param>
/// <param name="Problem">What changed, said so an operator can fix it.</param>
internal sealed record SchemaProblem(string Column, string FieldId, string Problem);
