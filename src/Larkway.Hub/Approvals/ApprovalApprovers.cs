using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.Notifications;

namespace Larkway.Hub.Approvals;

/// <summary>
/// A person as a caller names them in an approval request: <see cref="Type"/> <c>email</c>, <c>person_id</c> or one of
/// the platform's id types (<c>open_id</c>, <c>user_id</c>), and the value (emails lower-cased). <see cref="UserId"/> is
/// the id tasks name them by on the approval's platform, once resolved (stored as <c>open_id</c>, its first name).
/// </summary>
public sealed record ApprovalPerson(string Type, string Value, [property: System.Text.Json.Serialization.JsonPropertyName("open_id")] string? UserId = null);

/// <summary>
/// The approvers a submitter picks for the self-select nodes of a definition: node (its key, <see cref="ApprovalNodeShape.Keys"/>)
/// → people. Read from the request's <c>approvers</c> object, checked against the definition, stored resolved on the approval.
/// </summary>
public static class ApprovalApprovers
{
    /// <summary>Most approvers the Hub takes for one node.</summary>
    public const int MaxPerNode = 50;

    /// <summary>Most nodes one request may name.</summary>
    public const int MaxNodes = 20;

    private const string Example = "e.g. {\"approvers\": {\"<node>\": [\"bob@example.com\", {\"person_id\": \"per_…\"}]}}";

    /// <summary>Reads <c>approvers</c> (absent or null: none); every problem is added with its path.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? Parse(JsonElement root, List<ApprovalProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (!root.TryGetProperty("approvers", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("approvers", $"Must be an object from each self-select node (its custom node id or node id) to its approvers, {Example}."));
            return null;
        }

        var nodes = new Dictionary<string, IReadOnlyList<ApprovalPerson>>(StringComparer.Ordinal);
        foreach (var node in value.EnumerateObject())
        {
            var path = "approvers." + node.Name;
            if (node.Name.Length is 0 or > ApprovalLimits.MaxIdLength)
            {
                problems.Add(new("approvers", $"A node is named by its custom node id or node id, 1–{ApprovalLimits.MaxIdLength} characters."));
                continue;
            }

            if (node.Value.ValueKind != JsonValueKind.Array || node.Value.GetArrayLength() == 0)
            {
                problems.Add(new(path, "Must be a non-empty array of approvers: emails, or {\"person_id\": …} / {\"user_id\": …} / {\"open_id\": …} objects."));
                continue;
            }

            if (node.Value.GetArrayLength() > MaxPerNode)
            {
                problems.Add(new(path, $"At most {MaxPerNode} approvers per node."));
                continue;
            }

            var people = new List<ApprovalPerson>();
            var index = 0;
            foreach (var item in node.Value.EnumerateArray())
            {
                if (ReadPerson(item, $"{path}[{index++}]", allowPlainEmail: true, problems) is { } person)
                {
                    people.Add(person);
                }
            }

            nodes[node.Name] = people;
        }

        if (nodes.Count > MaxNodes)
        {
            problems.Add(new("approvers", $"At most {MaxNodes} nodes."));
        }

        return nodes;
    }

    /// <summary>
    /// A person: an object with exactly one of <c>email</c>, <c>person_id</c>, <c>open_id</c> or <c>user_id</c> (or, where
    /// <paramref name="allowPlainEmail"/>, an email as a plain string). Null with a problem at <paramref name="path"/>.
    /// </summary>
    public static ApprovalPerson? ReadPerson(JsonElement element, string path, bool allowPlainEmail, List<ApprovalProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        string type;
        string? text;
        if (allowPlainEmail && element.ValueKind == JsonValueKind.String)
        {
            (type, text) = ("email", element.GetString()!.Trim());
            if (!NotificationRequest.LooksLikeEmail(text))
            {
                problems.Add(new(path, $"'{text}' is not an email address; name a person by id as {{\"person_id\": …}} or {{\"user_id\": …}}."));
                return null;
            }
        }
        else
        {
            var fields = element.ValueKind == JsonValueKind.Object ? element.EnumerateObject().ToList() : [];
            if (fields is not [var field] || !ApprovalRequest.ApplicantTypes.Contains(field.Name))
            {
                problems.Add(new(path, allowPlainEmail
                    ? "Must be an email, or an object with exactly one of email, person_id, open_id or user_id."
                    : "Must have exactly one of email, person_id, open_id or user_id."));
                return null;
            }

            type = field.Name;
            text = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()!.Trim() : null;
            path = $"{path}.{type}";
        }

        if (string.IsNullOrEmpty(text) || text.Length > ApprovalLimits.MaxIdLength)
        {
            problems.Add(new(path, $"Must be a non-empty string of at most {ApprovalLimits.MaxIdLength} characters."));
            return null;
        }

        if (type == "email")
        {
            if (!NotificationRequest.LooksLikeEmail(text))
            {
                problems.Add(new(path, $"'{text}' is not an email address."));
                return null;
            }

            text = text.ToLowerInvariant();
        }

        return new ApprovalPerson(type, text);
    }

    /// <summary>
    /// Checks the chosen approvers against the definition: each names a node of it that is self-select (and takes several
    /// approvers when several are given), and every self-select node has its approvers.
    /// </summary>
    internal static IEnumerable<ApprovalProblem> Check(IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? approvers, ApprovalDefinitionShape definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var selfSelect = definition.Nodes.Where(n => n.ChoosesApprovers).ToList();
        var named = new HashSet<ApprovalNodeShape>();
        foreach (var (key, people) in approvers ?? new Dictionary<string, IReadOnlyList<ApprovalPerson>>())
        {
            var node = definition.Nodes.FirstOrDefault(n => n.Keys.Contains(key, StringComparer.Ordinal));
            if (node is null)
            {
                yield return new("approvers." + key, $"Not a node of approval '{definition.Name ?? definition.Code}'. {SelfSelectNodes(selfSelect)}");
            }
            else if (!node.ChoosesApprovers)
            {
                yield return new("approvers." + key, $"The node '{node.Name}' takes its approvers from the definition, not from the request. {SelfSelectNodes(selfSelect)}");
            }
            else if (!named.Add(node))
            {
                yield return new("approvers." + key, $"The node '{node.Name}' is named twice (by two of its ids); name it once.");
            }
            else if (people.Count > 1 && !node.TakesSeveral)
            {
                yield return new("approvers." + key, $"The node '{node.Name}' takes one approver; {people.Count} are given.");
            }
        }

        foreach (var node in selfSelect.Where(n => !named.Contains(n)))
        {
            yield return new("approvers." + node.Keys[0], $"Required: the submitter picks the approvers of the node '{node.Name}', {Example.Replace("<node>", node.Keys[0], StringComparison.Ordinal)}.");
        }
    }

    /// <summary>Stored form (null when none were chosen).</summary>
    public static string? Serialize(IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? approvers) =>
        approvers is null || approvers.Count == 0 ? null : JsonSerializer.Serialize(
            approvers.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal), ApprovalApproversJsonContext.Default.DictionaryStringApprovalPersonArray);

    /// <summary>Reads the stored form back (null when none were chosen).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? Deserialize(string? stored) =>
        stored is null ? null : JsonSerializer.Deserialize(stored, ApprovalApproversJsonContext.Default.DictionaryStringApprovalPersonArray)?
            .ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ApprovalPerson>)kv.Value, StringComparer.Ordinal);

    private static string SelfSelectNodes(List<ApprovalNodeShape> selfSelect) => selfSelect.Count == 0
        ? "This approval has no self-select node: leave approvers out."
        : "Its self-select nodes: " + string.Join(", ", selfSelect.Select(n => $"'{n.Keys[0]}' ({n.Name})")) + ".";
}

/// <summary>Source-generated JSON for the stored approvers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Dictionary<string, ApprovalPerson[]>))]
internal sealed partial class ApprovalApproversJsonContext : JsonSerializerContext;
