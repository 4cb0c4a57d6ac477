using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;
using Larkway.Hub.Bots;
using Larkway.Hub.Notifications.Types;

namespace Larkway.Hub.Notifications.Actions;

/// <summary>
/// A notification type's card actions, as data: keyed by the button value's <c>action</c>, each answers the click with a
/// toast, an after-card that replaces the clicked card, or both, and may record a decision on the notification.
/// Toast and card are templates over the notification's data plus <c>operator</c> (who clicked: <c>open_id</c>,
/// <c>user_id</c>, <c>union_id</c>), <c>action</c> (its name) and <c>form</c> (the values sent with the click).
/// </summary>
internal sealed record NotificationTypeAction(string Name, string? ToastType, string? ToastContent, JsonObject? Card, string? Decision)
{
    /// <summary>
    /// An approval the click opens (<c>{"definition", "form", "title"?, "reference"?}</c>, <c>approval_code</c> the definition's older name; templates over the same
    /// values as the toast); null for an action that only answers.
    /// </summary>
    public JsonObject? Approval { get; init; }

    /// <summary>Most actions per type.</summary>
    public const int MaxActions = 20;

    private static readonly string[] ToastTypes = ["info", "success", "warning", "error"];
    private static readonly string[] Fields = ["toast", "card", "decision", "approval"];
    private static readonly string[] ApprovalFields = ["definition", "approval_code", "form", "title", "reference"];

    /// <summary>The type's action of that name, or null.</summary>
    public static NotificationTypeAction? Find(string actionsJson, string name)
    {
        if (JsonNode.Parse(actionsJson) is not JsonObject actions || actions[name] is not JsonObject action)
        {
            return null;
        }

        var toast = action["toast"] as JsonObject;
        return new NotificationTypeAction(
            name,
            toast?["type"]?.GetValue<string>() ?? (toast is null ? null : "info"),
            toast?["content"]?.GetValue<string>(),
            action["card"] as JsonObject,
            action["decision"]?.GetValue<string>())
        {
            Approval = action["approval"] as JsonObject,
        };
    }

    /// <summary>
    /// Problems with a type's <c>actions</c> (field, message): shape, names, toast types, templates that do not compile, and
    /// after-cards that the sample data renders into something the card validator refuses.
    /// </summary>
    public static List<NotificationProblem> Validate(string actionsJson, string sampleData)
    {
        var problems = new List<NotificationProblem>();
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(actionsJson);
        }
        catch (JsonException ex)
        {
            problems.Add(new("actions", $"Not valid JSON: {Platform.Http.JsonErrorText.Describe(ex)}."));
            return problems;
        }

        if (parsed is not JsonObject actions)
        {
            problems.Add(new("actions", "Must be an object keyed by the button value's action, e.g. {\"approve\": {\"toast\": {\"type\": \"success\", \"content\": \"Approved\"}}}."));
            return problems;
        }

        if (actions.Count > MaxActions)
        {
            problems.Add(new("actions", $"At most {MaxActions} actions per type."));
        }

        foreach (var (name, definition) in actions)
        {
            var path = $"actions.{name}";
            if (name.Length is 0 or > NotificationActionRow.MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                problems.Add(new(path, $"Action names are 1–{NotificationActionRow.MaxNameLength} letters, digits, '.', '_' and '-' (the button's value {{\"action\": \"approve\"}})."));
            }

            if (definition is not JsonObject action)
            {
                problems.Add(new(path, "Must be an object with toast, card and/or decision."));
                continue;
            }

            foreach (var unknown in action.Select(p => p.Key).Where(k => !Fields.Contains(k)))
            {
                problems.Add(new($"{path}.{unknown}", "Not a field: an action has toast ({type, content}), card (the after-card template), decision and approval."));
            }

            if (!action.ContainsKey("toast") && !action.ContainsKey("card") && !action.ContainsKey("approval"))
            {
                problems.Add(new(path, "Give a toast, a card (the after-card), or both: the user must see an answer."));
            }

            ValidateApproval(action["approval"], path, action.ContainsKey("approval"), problems);

            ValidateToast(action["toast"], path, action.ContainsKey("toast"), problems);
            ValidateDecision(action["decision"], path, action.ContainsKey("decision"), problems);
            if (action.ContainsKey("card"))
            {
                ValidateCard(action["card"], path, sampleData, problems);
            }
        }

        return problems;
    }

    /// <summary>The values templates see: the notification's data, with <c>operator</c>, <c>action</c> and <c>form</c> over it.</summary>
    public static JsonElement Context(string? data, string action, CardClickOperator? who, JsonObject form)
    {
        var context = (data is null ? null : JsonNode.Parse(data) as JsonObject) ?? [];
        // Templates name the clicker as Feishu's callback does: the account's id in the app is its open_id.
        context["operator"] = new JsonObject { ["open_id"] = who?.Id, ["user_id"] = who?.UserId, ["union_id"] = who?.UnionId };
        context["action"] = action;
        context["form"] = form.DeepClone();
        return JsonSerializer.SerializeToElement(context);
    }

    /// <summary>
    /// The callback answer: the rendered toast and after-card. The after-card is marked like the notification's card (so its
    /// buttons call back too) and shared like it; one that renders invalid is left out (the toast still answers).
    /// </summary>
    public (CardClickAnswer Response, IReadOnlyList<string> CardProblems) Answer(JsonElement context, string notificationId, string type)
    {
        var response = CardClickAnswer.None;
        if (ToastContent is not null)
        {
            var content = CardTemplate.Render(JsonValue.Create(ToastContent)!, context).GetValue<string>();
            response = response with { Toast = new CardToast(CardToast.KindOf(ToastType), content) };
        }

        if (Card is null)
        {
            return (response, []);
        }

        var card = CardTemplate.Render(Card, context);
        var errors = CardValidator.Validate(card).Errors;
        if (errors.Count > 0)
        {
            return (response, [.. errors.Select(e => $"{e.Path}: {e.Message}")]);
        }

        NotificationCardReference.Mark(card, notificationId, type);
        var shared = NotificationRequest.Shared(card.ToJsonString());
        using var document = JsonDocument.Parse(shared);
        return (response.AndPlatformCard(document.RootElement.Clone()), []);
    }

    private static void ValidateToast(JsonNode? node, string path, bool present, List<NotificationProblem> problems)
    {
        if (!present)
        {
            return;
        }

        if (node is not JsonObject toast || toast["content"] is not JsonValue content || content.GetValueKind() != JsonValueKind.String
            || content.GetValue<string>().Length == 0)
        {
            problems.Add(new($"{path}.toast", "Must be {\"type\": \"success\", \"content\": \"Approved {{requisition.number}}\"} (type: info, success, warning or error; content required)."));
            return;
        }

        if (toast["type"] is { } type && (type.GetValueKind() != JsonValueKind.String || !ToastTypes.Contains(type.GetValue<string>())))
        {
            problems.Add(new($"{path}.toast.type", "One of info, success, warning, error."));
        }

        problems.AddRange(CardTemplate.Check(content).Select(p => new NotificationProblem($"{path}.toast.content", p)));
    }

    private static void ValidateApproval(JsonNode? node, string path, bool present, List<NotificationProblem> problems)
    {
        if (!present)
        {
            return;
        }

        if (node is not JsonObject approval)
        {
            problems.Add(new($"{path}.approval", "Must be {\"definition\": \"…\", \"form\": {\"amount\": \"{{invoice.amount}}\"}} (title and reference optional)."));
            return;
        }

        foreach (var unknown in approval.Select(p => p.Key).Where(k => !ApprovalFields.Contains(k)))
        {
            problems.Add(new($"{path}.approval.{unknown}", "Not a field: approval has definition (or its older name approval_code), form, title and reference."));
        }

        var named = approval.ContainsKey("definition") ? "definition" : "approval_code";
        if (approval.ContainsKey("definition") && approval.ContainsKey("approval_code"))
        {
            problems.Add(new($"{path}.approval.approval_code", "Give definition alone: approval_code is its older name."));
        }
        else if (approval[named] is not JsonValue code || code.GetValueKind() != JsonValueKind.String || code.GetValue<string>().Length == 0)
        {
            problems.Add(new($"{path}.approval.{named}", "Required: the approval definition on the app's platform (a string)."));
        }

        if (approval["form"] is not JsonObject)
        {
            problems.Add(new($"{path}.approval.form", "Required: the form values by field id or label, templates over the notification's data."));
        }

        foreach (var field in new[] { "title", "reference" })
        {
            if (approval.ContainsKey(field) && (approval[field] is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            {
                problems.Add(new($"{path}.approval.{field}", "A string (a template over the notification's data)."));
            }
        }

        problems.AddRange(CardTemplate.Check(approval).Select(p => new NotificationProblem($"{path}.approval", p)));
    }

    private static void ValidateDecision(JsonNode? node, string path, bool present, List<NotificationProblem> problems)
    {
        if (present && (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String
            || value.GetValue<string>().Length is 0 or > NotificationActionRow.MaxNameLength))
        {
            problems.Add(new($"{path}.decision", $"A string of 1–{NotificationActionRow.MaxNameLength} characters, e.g. \"approved\"."));
        }
    }

    private static void ValidateCard(JsonNode? node, string path, string sampleData, List<NotificationProblem> problems)
    {
        if (node is not JsonObject card)
        {
            problems.Add(new($"{path}.card", "Must be a card JSON object (the after-card template)."));
            return;
        }

        var compile = CardTemplate.Check(card);
        if (compile.Count > 0)
        {
            problems.AddRange(compile.Select(p => new NotificationProblem($"{path}.card", p)));
            return;
        }

        try
        {
            var sample = Context(sampleData, path["actions.".Length..], new CardClickOperator("ou_sample"), []);
            var rendered = CardTemplate.Render(card, sample);
            foreach (var error in CardValidator.Validate(rendered).Errors)
            {
                problems.Add(new($"{path}.card" + (error.Path.StartsWith('$') ? error.Path[1..] : "." + error.Path), $"{error.Message} (rendered with sample_data)"));
            }

            if (Encoding.UTF8.GetByteCount(rendered.ToJsonString()) > NotificationLimits.MaxContentBytes)
            {
                problems.Add(new($"{path}.card", $"Rendered with sample_data, larger than Feishu's {NotificationLimits.MaxContentBytes / 1024} KB."));
            }
        }
        catch (CardTemplateException ex)
        {
            problems.Add(new($"{path}.card", ex.Message));
        }
    }
}
