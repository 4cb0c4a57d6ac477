using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Larkway.Hub.Notifications;

/// <summary>
/// Describes a recipient object (<see cref="NotificationRecipientBody"/>) in the OpenAPI document from the kinds the
/// registered notification channels take, so the document lists exactly what this Hub accepts: one member per kind, a
/// string each, one of them per recipient (and <c>include_subdepartments</c> beside a <c>department_id</c>).
/// </summary>
internal sealed class NotificationRecipientSchema(NotificationService notifications) : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(NotificationRecipientBody))
        {
            return Task.CompletedTask;
        }

        schema.Type = JsonSchemaType.Object;
        schema.Description = "One recipient, by one of these kinds: " + string.Join(", ", notifications.RecipientTypes) + ".";
        schema.Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var kind in notifications.RecipientTypes)
        {
            schema.Properties[kind] = new OpenApiSchema { Type = JsonSchemaType.String };
        }

        if (notifications.RecipientTypes.Contains("department_id"))
        {
            schema.Properties["include_subdepartments"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Boolean,
                Description = "Beside department_id: its sub-departments' members too.",
            };
        }

        schema.AdditionalProperties = null;
        schema.AdditionalPropertiesAllowed = false;
        schema.MinProperties = 1;
        schema.Examples = [new JsonObject { ["email"] = "alice@example.com" }, new JsonObject { ["person"] = "per_0123456789abcdef0123456789abcdef" }];
        return Task.CompletedTask;
    }
}
