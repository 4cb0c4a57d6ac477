using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;

namespace Larkway.Hub.Notifications.Types;

/// <summary>Checks a notification type the way it will be used: its template rendered with its sample data must be a valid card.</summary>
internal static class NotificationTypeDefinition
{
    /// <summary>
    /// Problems with a type (field, message); empty when it is good to store. Its recipients may name
    /// <paramref name="recipientTypes"/> (the registered channels' kinds; default the built-in platforms').
    /// </summary>
    public static List<NotificationProblem> Validate(string name, string template, string sampleData, string recipients, IReadOnlyList<string>? recipientTypes = null)
    {
        var problems = new List<NotificationProblem>();
        if (string.IsNullOrEmpty(name) || name.Length > NotificationLimits.MaxTypeLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            problems.Add(new("name", "Use 1–128 letters, digits, '.', '_' and '-', e.g. 'purchase_order.created'."));
        }

        var templateNode = ParseJson(template, "template", JsonValueKind.Object, problems);
        var sample = ParseJson(sampleData, "sample_data", JsonValueKind.Object, problems);
        var recipientsNode = ParseJson(recipients, "recipients", JsonValueKind.Array, problems);
        if (templateNode is null || sample is null || recipientsNode is null)
        {
            return problems;
        }

        problems.AddRange(CardTemplate.Check(templateNode).Select(p => new NotificationProblem("template", p)));
        problems.AddRange(CardTemplate.Check(recipientsNode).Select(p => new NotificationProblem("recipients", p)));
        if (problems.Count > 0)
        {
            return problems;
        }

        using var data = JsonDocument.Parse(sampleData);
        if (RenderCard(templateNode, data.RootElement, "sample_data", problems) is not null)
        {
            RenderRecipients(recipientsNode, data.RootElement, "sample_data", problems, recipientTypes);
        }

        return problems;
    }

    /// <summary>
    /// Renders a type's card with <paramref name="data"/> the way it will be sent, adding a problem for each placeholder
    /// the data has no value for and each way the rendered card is not valid — named by the data field that made it so
    /// (under <paramref name="dataField"/>), or by the template's path when the template alone is at fault. Null when
    /// the template cannot be rendered at all.
    /// </summary>
    public static JsonNode? RenderCard(JsonNode template, JsonElement data, string dataField, List<NotificationProblem> problems)
    {
        TemplateRendering rendering;
        try
        {
            rendering = CardTemplate.RenderStrict(template, data);
        }
        catch (CardTemplateException ex)
        {
            problems.Add(new(dataField, $"The type's template cannot be rendered with this data: {ex.Message}"));
            return null;
        }

        AddMissing(rendering, dataField, problems);
        foreach (var error in CardValidator.Validate(rendering.Card).Errors)
        {
            var path = error.Path.StartsWith('$') ? error.Path : "$." + error.Path;
            if (rendering.Missing.Exists(m => m.TemplatePath == path || IsInside(m.TemplatePath, path)))
            {
                continue; // already reported as the missing value that emptied it
            }

            problems.Add(rendering.SourceAt(path) is { } source
                ? new(TemplatePlaceholders.FirstField(source) is { } field ? $"{dataField}.{field}" : dataField,
                    $"With this data the card is not valid at {path}, where the template writes \"{source}\": {error.Message}")
                : new("template" + path[1..], $"{error.Message} (in the type's template itself, whatever the data)"));
        }

        return rendering.Card;
    }

    /// <summary>Renders a type's recipients with the data; problems for recipients that are not one known kind with a value.</summary>
    public static List<NotificationRecipient> RenderRecipients(
        JsonNode recipients, JsonElement data, string dataField, List<NotificationProblem> problems, IReadOnlyList<string>? recipientTypes = null)
    {
        var kinds = recipientTypes ?? NotificationRequest.RecipientTypes;
        var rendering = CardTemplate.RenderStrict(recipients, data);
        AddMissing(rendering, dataField, problems);
        var rendered = rendering.Card.AsArray();
        var list = new List<NotificationRecipient>();
        for (var i = 0; i < rendered.Count; i++)
        {
            if (rendered[i] is JsonObject { Count: 1 } item
                && item.First() is var (kind, value)
                && kinds.Contains(kind)
                && value?.GetValueKind() == JsonValueKind.String)
            {
                var text = value.GetValue<string>().Trim();
                if (text.Length == 0)
                {
                    // A missing value is reported above; this one is there and empty.
                    if (!rendering.Missing.Exists(m => m.TemplatePath.StartsWith($"$[{i}]", StringComparison.Ordinal)))
                    {
                        var source = rendering.Sources.GetValueOrDefault($"$[{i}].{kind}");
                        problems.Add(source is not null && TemplatePlaceholders.FirstField(source) is { } field
                            ? new($"{dataField}.{field}", $"Empty, and the type sends to it (recipients[{i}].{kind}): send the recipient's {kind}.")
                            : new($"recipients[{i}].{kind}", "Rendered empty with this data: the type's recipient names no value."));
                    }

                    continue;
                }

                list.Add(new NotificationRecipient(kind, kind == "email" ? text.ToLowerInvariant() : text));
                continue;
            }

            problems.Add(new($"recipients[{i}]", "Must be an object with one of: " + string.Join(", ", kinds) + ", whose value is a string."));
        }

        return list;
    }

    private static bool IsInside(string path, string container) =>
        path.StartsWith(container, StringComparison.Ordinal) && path.Length > container.Length && path[container.Length] is '.' or '[';

    private static void AddMissing(TemplateRendering rendering, string dataField, List<NotificationProblem> problems)
    {
        foreach (var missing in rendering.Missing)
        {
            problems.Add(missing.DataPath is { } field
                ? new($"{dataField}.{field}", $"Required: the template writes {{{{{missing.Placeholder}}}}} at {missing.TemplatePath}. Send a value (null or \"\" when it is meant to be empty).")
                : new(dataField, $"Missing a value for {{{{{missing.Placeholder}}}}}, which the template writes at {missing.TemplatePath} inside a block: every item or object the block goes through needs it."));
        }
    }

    private static JsonNode? ParseJson(string text, string field, JsonValueKind kind, List<NotificationProblem> problems)
    {
        try
        {
            var node = JsonNode.Parse(text);
            if (node?.GetValueKind() == kind)
            {
                return node;
            }
        }
        catch (JsonException ex)
        {
            problems.Add(new(field, $"Not valid JSON: {Platform.Http.JsonErrorText.Describe(ex)}."));
            return null;
        }

        problems.Add(new(field, kind == JsonValueKind.Object ? "Must be a JSON object." : "Must be a JSON array."));
        return null;
    }
}
