using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;
using Larkway.Hub.Platform.Http;
namespace Larkway.Hub.Notifications;

/// <summary>A notification as a caller asked for it, checked field by field before anything is stored.</summary>
public sealed record NotificationRequest(
    string Type,
    string IdempotencyKey,
    string ContentKind,
    string Content,
    IReadOnlyList<NotificationRecipient> Recipients,
    string RequestHash)
{
    /// <summary>The <see cref="ContentKind"/> of a request that names no card: the type's template renders <see cref="Data"/>.</summary>
    public const string FromType = "type";

    /// <summary>The data (a JSON object) for the type's template and recipients; <c>{}</c> when none was sent.</summary>
    public string Data { get; init; } = "{}";

    /// <summary>The stored app to send with (<c>app</c>); null for the configured default app.</summary>
    public string? App { get; init; }

    /// <summary>
    /// The built-in platforms' recipient kinds, as JSON property names: what a request or a type checked without a Hub's
    /// channels may name. The API takes the kinds of the channels registered (<see cref="NotificationChannels.RecipientTypes"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> RecipientTypes = ["email", "open_id", "user_id", "union_id", "chat_id", "department_id", "dingtalk_userid", "dingtalk_mobile", "wecom_userid", "wecom_email", "wecom_mobile", PersonRecipient];

    /// <summary>
    /// A person of the Hub's directory (<c>per_…</c>), reached on their preferred platform (<see cref="Routing.PersonRouter"/>)
    /// whatever the notification's app; any app may send to one.
    /// </summary>
    public const string PersonRecipient = "person";

    /// <summary>The recipient kinds of Feishu, the directory's own platform (a person is routed from it too).</summary>
    private static readonly HashSet<string> FeishuRecipientTypes = new(StringComparer.Ordinal) { "email", "open_id", "user_id", "union_id", "chat_id", "department_id", PersonRecipient };

    /// <summary>
    /// The platform a recipient kind belongs to: Feishu's own kinds are Feishu's; every other platform's kinds are its name,
    /// '_' and the kind (<c>dingtalk_userid</c>, <c>wecom_email</c>), so the name is read off the kind and no platform is named here.
    /// </summary>
    public static string PlatformOf(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var cut = type.IndexOf('_', StringComparison.Ordinal);
        return FeishuRecipientTypes.Contains(type) || cut <= 0 ? Apps.HubAppPlatform.Feishu : type[..cut];
    }

    /// <summary>The optional flag beside a department_id recipient.</summary>
    public const string IncludeSubdepartments = "include_subdepartments";

    /// <summary>
    /// The members a notification body takes (<see cref="NotificationCreateBody"/>'s). Free-form by design: the card, the
    /// template's variables, the data. Recipient objects are checked by <see cref="ParseRecipients"/>, which names the kinds
    /// it takes.
    /// </summary>
    internal static JsonShape Shape => JsonShape.For(HubNotificationsJsonContext.Default.NotificationCreateBody);

    /// <summary>The members of an update: the new content alone (<see cref="NotificationUpdateBody"/>'s).</summary>
    internal static JsonShape UpdateShape => JsonShape.For(HubNotificationsJsonContext.Default.NotificationUpdateBody);

    /// <summary>
    /// Adds a problem for every member of <paramref name="root"/> that <paramref name="shape"/> does not know, unless a
    /// problem of its own already names that member (e.g. <c>template</c>, refused with what to send instead).
    /// </summary>
    internal static void AddUnknown(JsonShape shape, JsonElement root, List<NotificationProblem> problems)
    {
        foreach (var (path, message) in shape.FindUnknown(root))
        {
            if (!problems.Exists(p => p.Field == path))
            {
                problems.Add(new(path, message));
            }
        }
    }

    /// <summary>
    /// Parses and validates a request body. Every problem is reported with the field it concerns and what to do,
    /// so that a caller fixes them all in one go; null is returned with at least one problem.
    /// </summary>
    public static NotificationRequest? Parse(ReadOnlySpan<byte> body, string? idempotencyHeader, List<NotificationProblem> problems) =>
        Parse(body, idempotencyHeader, problems, out _);

    /// <summary>
    /// Parses like <see cref="Parse(ReadOnlySpan{byte}, string?, List{NotificationProblem})"/>; when the request has
    /// problems but names a type and data for the type's template, <paramref name="draft"/> holds them, so that the
    /// template's checks can be reported with the other problems instead of after they are fixed.
    /// </summary>
    public static NotificationRequest? Parse(ReadOnlySpan<byte> body, string? idempotencyHeader, List<NotificationProblem> problems, out NotificationRequest? draft) =>
        Parse(body, idempotencyHeader, problems, RecipientTypes, out draft);

    /// <summary>
    /// Parses like <see cref="Parse(ReadOnlySpan{byte}, string?, List{NotificationProblem}, out NotificationRequest?)"/>, taking
    /// the recipient kinds <paramref name="recipientTypes"/> names (the registered channels', so a platform's room adds its own).
    /// </summary>
    public static NotificationRequest? Parse(
        ReadOnlySpan<byte> body, string? idempotencyHeader, List<NotificationProblem> problems, IReadOnlyList<string> recipientTypes, out NotificationRequest? draft)
    {
        ArgumentNullException.ThrowIfNull(recipientTypes);
        draft = null;
        if (!JsonBody.TryReadObject(body, "type, idempotency_key, recipients and card or feishu_template", out var root, out var problem))
        {
            problems.Add(new("body", problem));
            return null;
        }

        var type = RequiredString(root, "type", NotificationLimits.MaxTypeLength, problems);
        if (type is not null && !IsTypeName(type))
        {
            problems.Add(new("type", "Use letters, digits, '.', '_' and '-' only, e.g. 'purchase_order.created'."));
        }

        var key = idempotencyHeader;
        var bodyKey = OptionalString(root, "idempotency_key", problems);
        if (key is not null && bodyKey is not null && key != bodyKey)
        {
            problems.Add(new("idempotency_key", "The Idempotency-Key header and the body's idempotency_key differ; send one, or the same value in both."));
        }

        key ??= bodyKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            problems.Add(new("idempotency_key", "Required: a key unique to this notification (e.g. 'po-4711-created'), in the body or the Idempotency-Key header. The same key again returns the same notification instead of sending twice."));
        }
        else if (key.Length > NotificationLimits.MaxIdempotencyKeyLength)
        {
            problems.Add(new("idempotency_key", $"At most {NotificationLimits.MaxIdempotencyKeyLength} characters."));
        }

        var (kind, content) = ParseContent(root, problems);
        var data = "{}";
        var dataUsable = true;
        if (root.TryGetProperty("data", out var dataElement))
        {
            if (dataElement.ValueKind != JsonValueKind.Object)
            {
                dataUsable = false;
                problems.Add(new("data", "Must be a JSON object: the values the type's template and recipients refer to."));
            }
            else
            {
                data = dataElement.GetRawText();
            }
        }

        var app = OptionalString(root, "app", problems);
        if (app is not null && (app.Length == 0 || Larkway.Hub.Apps.HubAppRegistry.IsDefault(app)))
        {
            app = null;
        }
        else if (app is not null && !Larkway.Hub.Apps.HubAppValidation.IsValidName(app))
        {
            problems.Add(new("app", "Must be the name of an app added to the Hub (GET /api/v1/apps lists them), or leave it out for the default app."));
        }

        // A type's own recipients may be all there is; without a type template the caller must name them.
        var recipients = ParseRecipients(root, problems, recipientTypes, required: kind != FromType);

        // A misspelt member (recipents) would otherwise be ignored and the card go to the type's default recipients.
        AddUnknown(Shape, root, problems);
        if (problems.Count > 0)
        {
            if (type is not null && IsTypeName(type) && kind == FromType && dataUsable)
            {
                draft = new NotificationRequest(type, key ?? "", kind, "", recipients, "") { Data = data, App = app };
            }

            return null;
        }

        return new NotificationRequest(type!, key!, kind!, content ?? "", recipients, Hash(root)) { Data = data, App = app };
    }

    private static (string? Kind, string? Content) ParseContent(JsonElement root, List<NotificationProblem> problems)
    {
        var hasCard = root.TryGetProperty("card", out var card);
        var hasTemplate = root.TryGetProperty("feishu_template", out var template);
        if (root.TryGetProperty("template", out _))
        {
            problems.Add(new("template", "Not a field: leave out 'card' and 'feishu_template' to use the template of the notification type, with the values in 'data'."));
            return (null, null);
        }

        if (hasCard && hasTemplate)
        {
            problems.Add(new("card", "Send at most one of 'card' (a card JSON object) and 'feishu_template' ({\"template_id\", \"template_version_name\", \"template_variable\"}); with neither, the type's template is used."));
            return (null, null);
        }

        if (!hasCard && !hasTemplate)
        {
            return (FromType, null);
        }

        if (hasCard)
        {
            if (card.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new("card", "Must be a card JSON object."));
                return (null, null);
            }

            var json = card.GetRawText();
            if (Encoding.UTF8.GetByteCount(json) > NotificationLimits.MaxContentBytes)
            {
                problems.Add(new("card", $"The card is larger than Feishu's {NotificationLimits.MaxContentBytes / 1024} KB."));
                return (null, null);
            }

            var validation = CardValidator.Validate(card);
            foreach (var error in validation.Errors)
            {
                problems.Add(new("card" + (error.Path.StartsWith('$') ? error.Path[1..] : "." + error.Path), error.Message));
            }

            return validation.IsValid ? ("card", Shared(json)) : (null, null);
        }

        if (template.ValueKind != JsonValueKind.Object
            || !template.TryGetProperty("template_id", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(id.GetString()))
        {
            problems.Add(new("feishu_template.template_id", "Required: the card-builder template's id (e.g. 'AAqk1234abcd')."));
            return (null, null);
        }

        var normalised = new JsonObject { ["template_id"] = id.GetString() };
        if (template.TryGetProperty("template_version_name", out var version))
        {
            if (version.ValueKind != JsonValueKind.String)
            {
                problems.Add(new("feishu_template.template_version_name", "Must be a string such as '1.0.0'."));
            }
            else
            {
                normalised["template_version_name"] = version.GetString();
            }
        }

        if (template.TryGetProperty("template_variable", out var variables))
        {
            if (variables.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new("feishu_template.template_variable", "Must be an object of the template's variables."));
            }
            else
            {
                normalised["template_variable"] = JsonNode.Parse(variables.GetRawText());
            }
        }

        return ("template", normalised.ToJsonString());
    }

    /// <summary>
    /// Notification cards are sent shared (<c>config.update_multi</c>), so that a later update of the notification
    /// reaches every message; a card that says <c>false</c> itself keeps it (and cannot be updated). JSON 2.0 cards are
    /// always shared.
    /// </summary>
    internal static string Shared(string cardJson)
    {
        var card = JsonNode.Parse(cardJson)!.AsObject();
        if (card["schema"]?.GetValueKind() == JsonValueKind.String && card["schema"]!.GetValue<string>() == "2.0")
        {
            return cardJson;
        }

        if (card["config"] is not JsonObject config)
        {
            config = new JsonObject();
            card["config"] = config;
        }

        if (config.ContainsKey("update_multi"))
        {
            return cardJson;
        }

        config["update_multi"] = true;
        return card.ToJsonString();
    }

    /// <summary>Parses the content fields alone (for updates): the kind and the content, or problems.</summary>
    internal static (string? Kind, string? Content) ParseContentOnly(JsonElement root, List<NotificationProblem> problems) => ParseContent(root, problems);

    private static List<NotificationRecipient> ParseRecipients(JsonElement root, List<NotificationProblem> problems, IReadOnlyList<string> recipientTypes, bool required)
    {
        var recipients = new List<NotificationRecipient>();
        if (!root.TryGetProperty("recipients", out var list) && !required)
        {
            return recipients;
        }

        if (list.ValueKind != JsonValueKind.Array || (required && list.GetArrayLength() == 0))
        {
            problems.Add(new("recipients", "Required: a non-empty array such as [{\"email\": \"alice@example.com\"}, {\"chat_id\": \"oc_…\"}]."));
            return recipients;
        }

        if (list.GetArrayLength() > NotificationLimits.MaxRecipients)
        {
            problems.Add(new("recipients", $"At most {NotificationLimits.MaxRecipients} recipients per notification; split larger audiences, or send to a chat."));
            return recipients;
        }

        var seen = new HashSet<(string, string)>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"recipients[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new(path, "Must be an object with one of: " + string.Join(", ", recipientTypes) + "."));
                continue;
            }

            var fields = item.EnumerateObject().ToList();
            var includeSubdepartments = true;
            if (fields.FindIndex(f => f.Name == IncludeSubdepartments) is var flag and >= 0)
            {
                var flagValue = fields[flag].Value;
                fields.RemoveAt(flag);
                if (flagValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False) || fields is not [{ Name: "department_id" }])
                {
                    problems.Add(new($"{path}.{IncludeSubdepartments}", "Only with department_id, and true or false (default true: members of its sub-departments too)."));
                    continue;
                }

                includeSubdepartments = flagValue.GetBoolean();
            }

            if (fields.Count != 1 || !recipientTypes.Contains(fields[0].Name))
            {
                problems.Add(new(path, "Must have exactly one of: " + string.Join(", ", recipientTypes) + "."));
                continue;
            }

            var (name, value) = (fields[0].Name, fields[0].Value);
            var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : null;
            if (string.IsNullOrEmpty(text) || text.Length > NotificationLimits.MaxRecipientLength)
            {
                problems.Add(new($"{path}.{name}", $"Must be a non-empty string of at most {NotificationLimits.MaxRecipientLength} characters."));
                continue;
            }

            if (name is "email" or "wecom_email" && !LooksLikeEmail(text))
            {
                problems.Add(new($"{path}.{name}", $"'{text}' is not an email address."));
                continue;
            }

            if (name is "email" or "wecom_email")
            {
                text = text.ToLowerInvariant();
            }

            if (name == PersonRecipient && !LooksLikePersonId(text))
            {
                problems.Add(new($"{path}.person", $"'{text}' is not a person id: per_ and 32 hex digits, as the directory API (GET /api/v1/directory/people?email=…) returns it."));
                continue;
            }

            if (name is "dingtalk_mobile" or "wecom_mobile" && !LooksLikeMobile(text))
            {
                problems.Add(new($"{path}.{name}", $"'{text}' is not a mobile number (digits, optionally with a leading + and the country code)."));
                continue;
            }

            // The same recipient twice would get the card twice; once is what a caller means.
            if (seen.Add((name, text)))
            {
                recipients.Add(new NotificationRecipient(name, text) { IncludeSubdepartments = includeSubdepartments });
            }
        }

        return recipients;
    }

    private static bool LooksLikePersonId(string text) =>
        text.Length == 36 && text.StartsWith("per_", StringComparison.Ordinal) && text.AsSpan(4).ContainsAnyExcept("0123456789abcdef") is false;

    /// <summary>DingTalk and WeCom look people up by the mobile number of their account: 5–20 digits, a leading + allowed.</summary>
    private static bool LooksLikeMobile(string text) =>
        text.Length is >= 5 and <= 21 && text.Select((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == 0)).All(ok => ok);

    private static string? RequiredString(JsonElement root, string name, int maxLength, List<NotificationProblem> problems)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            problems.Add(new(name, "Required: a non-empty string."));
            return null;
        }

        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            problems.Add(new(name, $"At most {maxLength} characters."));
            return null;
        }

        return text;
    }

    private static string? OptionalString(JsonElement root, string name, List<NotificationProblem> problems)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(new(name, "Must be a string."));
            return null;
        }

        return value.GetString();
    }

    private static bool IsTypeName(string type) =>
        type.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    internal static bool LooksLikeEmail(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == text.LastIndexOf('@') && at < text.Length - 3 && text[(at + 1)..].Contains('.', StringComparison.Ordinal)
            && !text.Any(char.IsWhiteSpace);
    }

    /// <summary>A hash of the request's meaning: the same JSON with other whitespace or key order hashes the same.</summary>
    internal static string Hash(JsonElement root)
    {
        var canonical = Canonical(JsonNode.Parse(root.GetRawText()));
        var without = canonical as JsonObject;
        without?.Remove("idempotency_key");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical?.ToJsonString() ?? "null")));
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString()),
    };
}

/// <summary>A recipient as the caller named it.</summary>
/// <param name="Type">email, open_id, user_id, union_id, chat_id, or department_id (expanded to open_ids when accepted).</param>
/// <param name="Value">The address or id (emails lower-cased).</param>
public sealed record NotificationRecipient(string Type, string Value)
{
    /// <summary>The directory person this recipient was routed for (<see cref="Routing.PersonRouter"/>); null when sent as named.</summary>
    public string? PersonId { get; init; }

    /// <summary>The app that sends to a routed recipient when it is not the notification's own (<c>""</c>: the default Feishu app).</summary>
    public string? App { get; init; }

    /// <summary>The platforms routing considered for a routed recipient, as stored (<see cref="Routing.RouteStep.Write"/>).</summary>
    public string? PlatformsTried { get; init; }

    /// <summary>For a department_id: its sub-departments' members too, at any depth (as Feishu's own department sends do).</summary>
    public bool IncludeSubdepartments { get; init; } = true;
}

/// <summary>One thing wrong with a request: the field (a JSON path) and what to do about it.</summary>
public sealed record NotificationProblem(string Field, string Message);
