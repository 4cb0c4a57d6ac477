using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;

namespace Larkway.Hub.Notifications.Types;

/// <summary>Checks a notification type the way it will be used: its template rendered with its sample data must be a valid card.</summary>
internal static class NotificationTypeDefinition
{
    /// <summary>Problems with a type (field, message); empty when it is good to store.</summary>
    public static List<NotificationProblem> Validate(string name, string template, string sampleData, string recipients)
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
        try
        {
            var card = CardTemplate.Render(templateNode, data.RootElement);
            foreach (var error in CardValidator.Validate(card).Errors)
            {
                problems.Add(new("template" + (error.Path.StartsWith('$') ? error.Path[1..] : "." + error.Path), $"{error.Message} (rendered with sample_data)"));
            }

            RenderRecipients(recipientsNode, data.RootElement, problems);
        }
        catch (CardTemplateException ex)
        {
            problems.Add(new("template", ex.Message));
        }

        return problems;
    }

    /// <summary>Renders a type's recipients with the data; problems for recipients that are not one known kind with a value.</summary>
    public static List<NotificationRecipient> RenderRecipients(JsonNode recipients, JsonElement data, List<NotificationProblem> problems)
    {
        var rendered = CardTemplate.Render(recipients, data).AsArray();
        var list = new List<NotificationRecipient>();
        for (var i = 0; i < rendered.Count; i++)
        {
            if (rendered[i] is JsonObject { Count: 1 } item
                && item.First() is var (kind, value)
                && NotificationRequest.RecipientTypes.Contains(kind)
                && value?.GetValueKind() == JsonValueKind.String)
            {
                var text = value.GetValue<string>().Trim();
                if (text.Length == 0)
                {
                    problems.Add(new($"recipients[{i}].{kind}", "Rendered empty: the data lacks the value this recipient names."));
                    continue;
                }

                list.Add(new NotificationRecipient(kind, kind == "email" ? text.ToLowerInvariant() : text));
                continue;
            }

            problems.Add(new($"recipients[{i}]", "Must be an object with one of: " + string.Join(", ", NotificationRequest.RecipientTypes) + ", whose value is a string."));
        }

        return list;
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
            problems.Add(new(field, $"Not valid JSON ({ex.Message})."));
            return null;
        }

        problems.Add(new(field, kind == JsonValueKind.Object ? "Must be a JSON object." : "Must be a JSON array."));
        return null;
    }
}
