using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.WeCom.Departments;

/// <summary>A department's place in the tree, as <c>department/simplelist</c> lists it.</summary>
/// <param name="Id">The department's id (the root, the corp itself, is 1).</param>
/// <param name="ParentId">The parent's id (0 for the root).</param>
/// <param name="Order">The order among its siblings; larger comes first.</param>
public sealed record WeComDepartmentRef(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("parentid")] long ParentId,
    [property: JsonPropertyName("order")] long Order);

/// <summary>
/// A department as <c>department/get</c> returns it. Its name and English name are withheld from third-party apps and,
/// without the admin's consent, from apps developed on a corp's behalf; leaders are those in the app's visible range.
/// </summary>
public sealed record WeComDepartment
{
    /// <summary>The department's id.</summary>
    [JsonPropertyName("id")] public long Id { get; init; }

    /// <summary>The name.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }

    /// <summary>The English name (when the corp uses several languages).</summary>
    [JsonPropertyName("name_en")] public string? NameEn { get; init; }

    /// <summary>The leaders' userids (those in the app's visible range).</summary>
    [JsonPropertyName("department_leader")] public IReadOnlyList<string>? Leaders { get; init; }

    /// <summary>The parent's id (0 for the root).</summary>
    [JsonPropertyName("parentid")] public long ParentId { get; init; }

    /// <summary>The order among its siblings; larger comes first.</summary>
    [JsonPropertyName("order")] public long Order { get; init; }

    /// <summary>Everything else WeCom returned.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed record DepartmentSimpleListAnswer([property: JsonPropertyName("department_id")] IReadOnlyList<WeComDepartmentRef>? DepartmentId);

internal sealed record DepartmentGetAnswer([property: JsonPropertyName("department")] WeComDepartment? Department);
