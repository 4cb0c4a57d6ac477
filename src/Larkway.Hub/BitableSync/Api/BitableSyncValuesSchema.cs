using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// A row's values by column (a conflict's or a dry run's <c>database</c> and <c>bitable</c>) hold null for an empty
/// value, which a dictionary's schema does not say by itself (its values' nullability is an annotation the generator
/// does not read): so the document lets them be null, as the wire has them.
/// </summary>
internal static class BitableSyncValuesSchema
{
    /// <summary>Makes the values of the rows' value dictionaries nullable in the OpenAPI document.</summary>
    public static Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is { DeclaringType: var declaring, Name: "database" or "bitable" }
            && (declaring == typeof(BitableSyncConflictDto) || declaring == typeof(BitableSyncDryRowDto))
            && schema.AdditionalProperties is OpenApiSchema { Type: { } type } values)
        {
            values.Type = type | JsonSchemaType.Null;
            schema.Description = context.JsonPropertyInfo.Name == "database"
                ? "The database row's values by column; null for an empty value."
                : "The Bitable record's values by the column each field is paired with; null for an empty value.";
        }

        return Task.CompletedTask;
    }
}
