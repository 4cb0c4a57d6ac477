using System.Text.Json.Nodes;
using Larkway.Hub.Platform.Units;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Larkway.Hub.Inbox;

/// <summary>
/// Describes <see cref="InboxTransport"/> in the OpenAPI document as what its converter writes: a string, one of the
/// snake-case names of the transports the platforms' inbox handlers read. The set is open (each platform's room declares
/// its own), so it is read from the registered handlers, the same ones the inbox dispatches by, not listed here.
/// </summary>
internal sealed class InboxTransportSchema(PlatformPieces<IInboxPlatformHandler> handlers) : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(InboxTransport))
        {
            return Task.CompletedTask;
        }

        var names = handlers.Each.SelectMany(h => h.Transports).Select(t => t.WireName).Distinct(StringComparer.Ordinal).ToList();
        schema.Type = JsonSchemaType.String;
        schema.Description = "How the event arrived: the transport of the platform it came from (an HTTP callback, a long connection, a stream…).";
        schema.Enum = [.. names.Select(name => (JsonNode)JsonValue.Create(name))];
        return Task.CompletedTask;
    }
}
