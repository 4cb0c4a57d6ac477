using System.Text.Json;

namespace Larkway.Hub.Platform.OpenApi;

/// <summary>
/// The JSON kinds a free-form member (a <see cref="JsonElement"/>) is always of, so the OpenAPI document gives its schema
/// that type. Only where the wire holds no other kind: in a body, the Hub's parser refuses every other; in an answer, the
/// Hub writes no other. A free-form member without it is described as any JSON.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class JsonKindAttribute(params JsonValueKind[] kinds) : Attribute
{
    /// <summary>The kinds the member is of (<see cref="JsonValueKind.Object"/>, say).</summary>
    public IReadOnlyList<JsonValueKind> Kinds { get; } = kinds;
}
