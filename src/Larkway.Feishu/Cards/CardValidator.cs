using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Feishu.Cards;

/// <summary>
/// Checks card JSON locally for what Feishu would reject (or silently break), so that a bad card fails at the
/// caller with a JSON path and a fix rather than as a 400 from the send API. Detects JSON 1.0 and 2.0
/// (<c>"schema":"2.0"</c>) and template/entity references (<c>{"type":"template"|"card","data":…}</c>).
/// </summary>
/// <remarks>
/// This is a structural check of the components modelled here (required fields, types, tags per version,
/// documented limits), not a full schema: properties it does not know are left to Feishu, except where JSON 2.0
/// is documented to reject them (the card root and <c>config</c>).
/// </remarks>
public static class CardValidator
{
    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        // Feishu parses strict JSON: no comments, no trailing commas.
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>Validates card JSON text; malformed JSON is reported with its line and position.</summary>
    public static CardValidationResult Validate(string json, CardValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ParseOptions);
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            return new CardValidationResult(
            [
                new CardValidationError("$", $"Malformed JSON at line {line}, position {position}: fix the syntax there (a missing comma, quote or bracket, or a trailing comma). Parser said: {ex.Message}"),
            ]);
        }

        using (document)
        {
            return Validate(document.RootElement, options);
        }
    }

    /// <summary>Validates a parsed card.</summary>
    public static CardValidationResult Validate(JsonElement card, CardValidationOptions? options = null) =>
        new Walker(options ?? new CardValidationOptions()).Run(card);

    /// <summary>Validates a card built as a <see cref="JsonNode"/> (for example <see cref="CardBuilder.Build"/>).</summary>
    public static CardValidationResult Validate(JsonNode card, CardValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        return Validate(card.ToJsonString(CardWire.SerializerOptions), options);
    }

    private static readonly HashSet<string> CommonTags =
    [
        "div", "markdown", "img", "hr", "column_set", "form", "interactive_container", "collapsible_panel",
        "img_combination", "person", "person_list", "chart", "table", "input", "button", "overflow",
        "select_static", "multi_select_static", "select_person", "multi_select_person", "date_picker",
        "picker_time", "picker_datetime", "select_img", "checker",
    ];

    // JSON 2.0 dropped the note component and the action module (card-json-v2-breaking-changes-release-notes).
    // Properties any component may carry (layout and identity).
    private static readonly HashSet<string> CommonComponentProperties = ["tag", "element_id", "margin", "padding"];

    // Each common component's documented properties: what a near-miss spelling is checked against.
    private static readonly Dictionary<string, HashSet<string>> ComponentProperties = new(StringComparer.Ordinal)
    {
        ["div"] = ["text", "fields", "extra", "icon", "text_align", "text_size", "text_color", "width"],
        ["markdown"] = ["content", "text_align", "text_size", "href", "icon"],
        ["button"] = ["text", "url", "multi_url", "type", "value", "confirm", "size", "width", "icon", "hover_tips", "disabled",
            "disabled_tips", "behaviors", "name", "form_action_type", "complex_interaction", "action_type"],
        ["img"] = ["img_key", "alt", "title", "mode", "preview", "custom_width", "compact_width", "corner_radius", "scale_type", "size", "transparent"],
        ["hr"] = [],
        ["note"] = ["elements"],
        ["action"] = ["actions", "layout"],
        ["column_set"] = ["columns", "flex_mode", "background_style", "horizontal_spacing", "horizontal_align", "action"],
    };

    private static readonly HashSet<string> V1OnlyTags = ["note", "action"];

    // The audio component is documented for JSON 2.0 only.
    private static readonly HashSet<string> V2OnlyTags = ["audio"];

    private static readonly HashSet<string> InteractiveTags =
    [
        "input", "button", "overflow", "select_static", "multi_select_static", "select_person", "multi_select_person",
        "date_picker", "picker_time", "picker_datetime", "select_img", "checker",
    ];

    // In JSON 1.0 these must be wrapped in an action module when placed at the card root (button doc, 1.0).
    private static readonly HashSet<string> V1ActionTags =
    [
        "button", "overflow", "select_static", "multi_select_static", "select_person", "multi_select_person",
        "date_picker", "picker_time", "picker_datetime",
    ];

    private static readonly HashSet<string> ContainerTags = ["column_set", "form", "interactive_container", "collapsible_panel"];

    private static readonly HashSet<string> ButtonTypes =
        ["default", "primary", "danger", "text", "primary_text", "danger_text", "primary_filled", "danger_filled", "laser"];

    private static readonly HashSet<string> V2RootProperties = ["schema", "config", "card_link", "header", "body", "fallback"];

    // JSON 1.0 ignores what it does not know, so a misspelt 'headr' would send a card without its header.
    private static readonly HashSet<string> V1RootProperties = ["schema", "config", "card_link", "header", "elements", "i18n_elements", "i18n_header", "fallback"];

    private static readonly HashSet<string> HeaderProperties =
        ["title", "subtitle", "template", "icon", "ud_icon", "text_tag_list", "i18n_text_tag_list", "padding"];

    private static readonly HashSet<string> V1ConfigProperties =
    [
        "wide_screen_mode", "streaming_mode", "streaming_config", "summary", "locales", "enable_forward", "update_multi",
        "width_mode", "use_custom_translation", "enable_forward_interaction", "style",
    ];

    private static readonly HashSet<string> V2ConfigProperties =
    [
        "streaming_mode", "streaming_config", "summary", "locales", "enable_forward", "update_multi", "width_mode",
        "use_custom_translation", "enable_forward_interaction", "style",
    ];

    private static readonly string[] AnyText = ["plain_text", "lark_md"];
    private static readonly string[] PlainTextOnly = ["plain_text"];

    private readonly record struct Scope(int Depth, bool AtRoot, bool InForm);

    /// <summary>One validation run: collects errors while walking the card.</summary>
    private sealed class Walker(CardValidationOptions options)
    {
        private readonly List<CardValidationError> _errors = [];
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _elementIds = new(StringComparer.Ordinal);
        private CardSchemaVersion _version;
        private bool _formHasSubmit;
        private bool _hasAudio;

        public CardValidationResult Run(JsonElement card)
        {
            if (card.ValueKind != JsonValueKind.Object)
            {
                Error("$", $"A card must be a JSON object, not {Describe(card.ValueKind)}.");
                return Result();
            }

            CheckSize(card);
            if (card.TryGetProperty("type", out var type) && !card.TryGetProperty("schema", out _)
                && !card.TryGetProperty("elements", out _) && !card.TryGetProperty("body", out _))
            {
                ValidateReference(card, type);
            }
            else
            {
                ValidateCard(card);
            }

            return Result();
        }

        private CardValidationResult Result() => new(_errors.ToArray());

        private void Error(string path, string message) => _errors.Add(new CardValidationError(path, message));

        private void CheckSize(JsonElement card)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, CardWire.WriterOptions))
            {
                card.WriteTo(writer);
            }

            if (buffer.WrittenCount > options.MaxBytes)
            {
                Error("$", string.Create(CultureInfo.InvariantCulture,
                    $"The card is {buffer.WrittenCount} bytes (UTF-8, compact); the limit is {options.MaxBytes} bytes. Shorten texts, split it into several cards, or link to the details."));
            }
        }

        // {"type":"template","data":{"template_id":…}} or {"type":"card","data":{"card_id":…}}: shape only.
        private void ValidateReference(JsonElement card, JsonElement type)
        {
            if (type.ValueKind != JsonValueKind.String)
            {
                Error("$.type", "'type' must be the string \"template\" or \"card\".");
                return;
            }

            var kind = type.GetString();
            if (kind is not ("template" or "card"))
            {
                Error("$.type", $"Unknown card reference type '{kind}': use \"template\" (a card built in the card builder) or \"card\" (a CardKit card entity), or send card JSON instead.");
                return;
            }

            if (!card.TryGetProperty("data", out var data))
            {
                Error("$.data", kind == "template"
                    ? "Missing 'data': give {\"template_id\":\"…\",\"template_version_name\":\"…\",\"template_variable\":{…}}."
                    : "Missing 'data': give {\"card_id\":\"…\"}.");
                return;
            }

            if (!ExpectObject(data, "$.data"))
            {
                return;
            }

            if (kind == "card")
            {
                RequireString(data, "card_id", "$.data", "the CardKit card entity id");
                return;
            }

            RequireString(data, "template_id", "$.data", "the template id from the card builder (e.g. \"AAq…\")");
            if (data.TryGetProperty("template_version_name", out var version) && version.ValueKind != JsonValueKind.String)
            {
                Error("$.data.template_version_name", "'template_version_name' must be a string such as \"1.0.0\".");
            }

            if (data.TryGetProperty("template_variable", out var variables) && variables.ValueKind != JsonValueKind.Object)
            {
                Error("$.data.template_variable", "'template_variable' must be an object mapping variable names to values.");
            }
        }

        private void ValidateCard(JsonElement card)
        {
            _version = CardSchemaVersion.V1;
            if (card.TryGetProperty("schema", out var schema))
            {
                if (schema.ValueKind != JsonValueKind.String)
                {
                    Error("$.schema", "'schema' must be the string \"2.0\" (or omit it for JSON 1.0).");
                }
                else if (schema.GetString() == "2.0")
                {
                    _version = CardSchemaVersion.V2;
                }
                else if (schema.GetString() != "1.0")
                {
                    Error("$.schema", $"Unsupported schema '{schema.GetString()}': use \"2.0\", or omit it for JSON 1.0.");
                }
            }

            if (_version == CardSchemaVersion.V2)
            {
                ValidateV2Root(card);
            }
            else
            {
                ValidateV1Root(card);
            }

            ValidateConfig(card);
            if (card.TryGetProperty("header", out var header))
            {
                ValidateHeader(header);
            }
        }

        private void ValidateV1Root(JsonElement card)
        {
            foreach (var property in card.EnumerateObject())
            {
                // 'body' has its own sentence below.
                if (!V1RootProperties.Contains(property.Name) && property.Name != "body")
                {
                    Error($"$.{property.Name}", property.Name == "msg_type" || property.Name == "card"
                        ? $"'{property.Name}' belongs to the message, not the card: send the card object itself (with header, elements and config)."
                        : $"Unknown property '{property.Name}'{DidYouMean(property.Name, V1RootProperties)}: Feishu ignores it, so it would not show; rename or remove it.");
                }
            }

            if (card.TryGetProperty("body", out _))
            {
                Error("$.body", "'body' is a JSON 2.0 field: add \"schema\":\"2.0\", or move the components to a root 'elements' array for JSON 1.0.");
            }

            if (card.TryGetProperty("elements", out var elements))
            {
                ValidateElements(elements, "$.elements", new Scope(0, AtRoot: true, InForm: false));
            }

            if (card.TryGetProperty("i18n_elements", out var i18n) && ExpectObject(i18n, "$.i18n_elements"))
            {
                foreach (var locale in i18n.EnumerateObject())
                {
                    ValidateElements(locale.Value, $"$.i18n_elements.{locale.Name}", new Scope(0, AtRoot: true, InForm: false));
                }
            }
        }

        private void ValidateV2Root(JsonElement card)
        {
            foreach (var property in card.EnumerateObject())
            {
                if (V2RootProperties.Contains(property.Name))
                {
                    continue;
                }

                var path = $"$.{property.Name}";
                Error(path, property.Name switch
                {
                    "elements" => "JSON 2.0 puts components in body.elements: move 'elements' into \"body\":{\"elements\":[…]}.",
                    "i18n_elements" or "i18n_header" => $"'{property.Name}' is not supported in JSON 2.0: use i18n_content on the components instead.",
                    _ => $"Unknown property '{property.Name}'{DidYouMean(property.Name, V2RootProperties)}: JSON 2.0 rejects unsupported properties; rename or remove it.",
                });
            }

            if (!card.TryGetProperty("body", out var body) || !ExpectObject(body, "$.body"))
            {
                return;
            }

            if (body.TryGetProperty("elements", out var elements))
            {
                ValidateElements(elements, "$.body.elements", new Scope(0, AtRoot: true, InForm: false));
            }

            var count = CountTagged(body);
            if (count > CardLimits.MaxV2Components)
            {
                Error("$.body.elements", string.Create(CultureInfo.InvariantCulture,
                    $"The card has {count} components and elements (text objects included); JSON 2.0 allows at most {CardLimits.MaxV2Components}. Merge texts into fewer markdown components or split the card."));
            }
        }

        private void ValidateConfig(JsonElement card)
        {
            var hasConfig = card.TryGetProperty("config", out var config);
            if (hasConfig && !ExpectObject(config, "$.config"))
            {
                return;
            }

            if (hasConfig)
            {
                foreach (var property in config.EnumerateObject())
                {
                    var path = $"$.config.{property.Name}";
                    if (property.Name is "update_multi" or "enable_forward" or "wide_screen_mode" or "streaming_mode"
                        or "use_custom_translation" or "enable_forward_interaction"
                        && property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        Error(path, $"'{property.Name}' must be true or false, not {Describe(property.Value.ValueKind)}.");
                    }

                    if (property.Name == "width_mode"
                        && (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString() is not ("default" or "compact" or "fill")))
                    {
                        Error(path, "'width_mode' must be \"default\", \"compact\" or \"fill\".");
                    }

                    if (_version == CardSchemaVersion.V2 && !V2ConfigProperties.Contains(property.Name))
                    {
                        Error(path, property.Name == "wide_screen_mode"
                            ? "'wide_screen_mode' is JSON 1.0 only and JSON 2.0 rejects it: remove it (use width_mode)."
                            : $"Unknown config property '{property.Name}'{DidYouMean(property.Name, V2ConfigProperties)}: JSON 2.0 rejects unsupported properties; rename or remove it.");
                    }
                    else if (_version == CardSchemaVersion.V1 && !V1ConfigProperties.Contains(property.Name))
                    {
                        Error(path, $"Unknown config property '{property.Name}'{DidYouMean(property.Name, V1ConfigProperties)}: Feishu ignores it; rename or remove it.");
                    }
                }
            }

            var updateMulti = hasConfig && config.TryGetProperty("update_multi", out var multi) ? multi.ValueKind : JsonValueKind.Undefined;
            if (_version == CardSchemaVersion.V2 && updateMulti == JsonValueKind.False)
            {
                Error("$.config.update_multi", "JSON 2.0 cards can only be shared: set update_multi to true or remove it.");
            }
            else if (options.UpdateIntended && _version == CardSchemaVersion.V1 && updateMulti != JsonValueKind.True)
            {
                Error(hasConfig ? "$.config.update_multi" : "$.config",
                    "The card is meant to be updated later, so it must be a shared card: set config.update_multi to true (JSON 1.0 defaults to false, and then updates are not shown to everyone).");
            }

            var enableForward = hasConfig && config.TryGetProperty("enable_forward", out var forward) ? forward.ValueKind : JsonValueKind.Undefined;
            if (_hasAudio && enableForward != JsonValueKind.False)
            {
                // The audio component page: cards with audio cannot be forwarded, and sending fails otherwise.
                Error(hasConfig ? "$.config.enable_forward" : "$.config", "A card with an audio component must set config.enable_forward to false, or sending fails.");
            }
        }

        private void ValidateHeader(JsonElement header)
        {
            if (!ExpectObject(header, "$.header"))
            {
                return;
            }

            foreach (var property in header.EnumerateObject())
            {
                if (!HeaderProperties.Contains(property.Name))
                {
                    Error($"$.header.{property.Name}", $"Unknown header property '{property.Name}'{DidYouMean(property.Name, HeaderProperties)}: rename or remove it.");
                }
            }

            ValidateText(header, "title", "$.header", required: true, AnyText, nonEmpty: true);
            ValidateText(header, "subtitle", "$.header", required: false, AnyText, nonEmpty: false);
            if (header.TryGetProperty("template", out var template)
                && (template.ValueKind != JsonValueKind.String || !CardWire.HeaderTemplates.Contains(template.GetString())))
            {
                Error("$.header.template", $"Unknown header template {Quote(template)}: use one of {string.Join(", ", CardWire.HeaderTemplates)}.");
            }
        }

        private void ValidateElements(JsonElement elements, string path, Scope scope)
        {
            if (elements.ValueKind != JsonValueKind.Array)
            {
                Error(path, $"'{LastSegment(path)}' must be an array of components, not {Describe(elements.ValueKind)}.");
                return;
            }

            var index = 0;
            foreach (var element in elements.EnumerateArray())
            {
                ValidateElement(element, string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]"), scope);
                index++;
            }
        }

        private void ValidateElement(JsonElement element, string path, Scope scope)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"A component must be an object with a 'tag', not {Describe(element.ValueKind)}.");
                return;
            }

            if (!element.TryGetProperty("tag", out var tagValue))
            {
                Error($"{path}.tag", "Missing 'tag': every component declares its type, e.g. \"tag\":\"markdown\".");
                return;
            }

            if (tagValue.ValueKind != JsonValueKind.String)
            {
                Error($"{path}.tag", $"'tag' must be a string, not {Describe(tagValue.ValueKind)}.");
                return;
            }

            var tag = tagValue.GetString()!;
            if (!IsKnownTag(tag, path))
            {
                return;
            }

            if (_version == CardSchemaVersion.V2)
            {
                CheckElementId(element, path);
            }

            if (_version == CardSchemaVersion.V1 && scope.AtRoot && V1ActionTags.Contains(tag))
            {
                Error(path, $"In JSON 1.0 a '{tag}' at the card root must be wrapped in an action module: {{\"tag\":\"action\",\"actions\":[…]}}.");
            }

            if (scope.InForm && InteractiveTags.Contains(tag))
            {
                // Form pages: every interactive component in a form needs a card-wide unique name, or submitting fails.
                CheckName(element, path, $"A '{tag}' inside a form needs a 'name' (unique in the card): it keys the submitted value.");
            }

            CheckMisspeltProperties(element, tag, path);
            var inner = scope with { AtRoot = false };
            switch (tag)
            {
                case "markdown":
                    if (!element.TryGetProperty("i18n_content", out _))
                    {
                        RequireString(element, "content", path, "the markdown text");
                    }

                    break;
                case "div":
                    ValidateDiv(element, path, inner);
                    break;
                case "img":
                    RequireString(element, "img_key", path, "an image key from the image upload API (img_…)");
                    ValidateText(element, "alt", path, required: true, PlainTextOnly, nonEmpty: false);
                    break;
                case "note":
                    ValidateNote(element, path);
                    break;
                case "action":
                    ValidateAction(element, path, inner);
                    break;
                case "button":
                    ValidateButton(element, path, scope.InForm);
                    break;
                case "select_static" or "multi_select_static" or "overflow":
                    ValidateOptions(element, path, tag);
                    ValidateText(element, "placeholder", path, required: false, PlainTextOnly, nonEmpty: false);
                    ValidateInteraction(element, path);
                    break;
                case "date_picker" or "picker_time" or "picker_datetime" or "select_person" or "multi_select_person":
                    ValidateText(element, "placeholder", path, required: false, PlainTextOnly, nonEmpty: false);
                    ValidateInteraction(element, path);
                    break;
                case "input":
                    ValidateInput(element, path);
                    break;
                case "column_set":
                    ValidateColumnSet(element, path, Enter(path, scope));
                    break;
                case "form":
                    ValidateForm(element, path, scope);
                    break;
                case "interactive_container" or "collapsible_panel":
                    RequireElements(element, path, Enter(path, scope));
                    break;
                case "table":
                    if (!scope.AtRoot)
                    {
                        Error(path, "A table can only be placed at the card root, not inside a container or form.");
                    }

                    break;
                case "audio":
                    _hasAudio = true;
                    RequireString(element, "file_key", path, "an OPUS file key from the file upload API");
                    break;
                default:
                    break;
            }
        }

        private bool IsKnownTag(string tag, string path)
        {
            var known = CommonTags.Contains(tag)
                || (_version == CardSchemaVersion.V1 ? V1OnlyTags.Contains(tag) : V2OnlyTags.Contains(tag));
            if (known)
            {
                return true;
            }

            var tagPath = $"{path}.tag";
            if (_version == CardSchemaVersion.V2 && tag == "action")
            {
                Error(tagPath, "JSON 2.0 has no 'action' module: put the buttons and other interactive components directly in elements (use a column_set to lay them out in a row).");
            }
            else if (_version == CardSchemaVersion.V2 && tag == "note")
            {
                Error(tagPath, "JSON 2.0 has no 'note' component: use a div whose text has \"text_size\":\"notation\" and \"text_color\":\"grey\".");
            }
            else if (_version == CardSchemaVersion.V1 && V2OnlyTags.Contains(tag))
            {
                Error(tagPath, $"'{tag}' is only supported in JSON 2.0 cards: add \"schema\":\"2.0\" and put components in body.elements.");
            }
            else if (tag == "column")
            {
                Error(tagPath, "A 'column' can only appear in a column_set's 'columns' array.");
            }
            else
            {
                var all = CommonTags.Concat(_version == CardSchemaVersion.V1 ? V1OnlyTags : V2OnlyTags).Order(StringComparer.Ordinal);
                Error(tagPath, $"Unknown component tag '{tag}' for card JSON {(_version == CardSchemaVersion.V1 ? "1.0" : "2.0")}. Known tags: {string.Join(", ", all)}.");
            }

            return false;
        }

        private Scope Enter(string path, Scope scope)
        {
            var depth = scope.Depth + 1;
            if (depth == CardLimits.MaxContainerDepth + 1)
            {
                Error(path, string.Create(CultureInfo.InvariantCulture,
                    $"Containers are nested {depth} levels deep here; Feishu allows at most {CardLimits.MaxContainerDepth}. Flatten the layout."));
            }

            return new Scope(depth, AtRoot: false, scope.InForm);
        }

        private void ValidateDiv(JsonElement div, string path, Scope scope)
        {
            var hasText = div.TryGetProperty("text", out _);
            var hasFields = div.TryGetProperty("fields", out var fields);
            if (!hasText && !hasFields)
            {
                Error(path, "A div needs 'text' ({\"tag\":\"plain_text\",\"content\":\"…\"}) or 'fields'.");
            }

            ValidateText(div, "text", path, required: false, AnyText, nonEmpty: false);
            if (hasFields)
            {
                if (_version == CardSchemaVersion.V2)
                {
                    Error($"{path}.fields", "div 'fields' are JSON 1.0 only: in JSON 2.0 lay fields out with a column_set.");
                }
                else
                {
                    ValidateFields(fields, $"{path}.fields");
                }
            }

            if (div.TryGetProperty("extra", out var extra))
            {
                ValidateElement(extra, $"{path}.extra", scope);
            }
        }

        private void ValidateFields(JsonElement fields, string path)
        {
            if (fields.ValueKind != JsonValueKind.Array)
            {
                Error(path, $"'fields' must be an array of {{\"is_short\":…,\"text\":{{…}}}}, not {Describe(fields.ValueKind)}.");
                return;
            }

            var index = 0;
            foreach (var field in fields.EnumerateArray())
            {
                var fieldPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]");
                if (!ExpectObject(field, fieldPath))
                {
                    continue;
                }

                if (!field.TryGetProperty("is_short", out var isShort))
                {
                    Error($"{fieldPath}.is_short", "Missing 'is_short': true to put the field side by side with its neighbour, false for a full row.");
                }
                else if (isShort.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Error($"{fieldPath}.is_short", $"'is_short' must be true or false, not {Describe(isShort.ValueKind)}.");
                }

                ValidateText(field, "text", fieldPath, required: true, AnyText, nonEmpty: false);
            }
        }

        private void ValidateNote(JsonElement note, string path)
        {
            if (!RequireNonEmptyArray(note, "elements", path, "text objects or images"))
            {
                return;
            }

            var index = 0;
            foreach (var item in note.GetProperty("elements").EnumerateArray())
            {
                var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}.elements[{index++}]");
                if (!ExpectObject(item, itemPath))
                {
                    continue;
                }

                var tag = item.TryGetProperty("tag", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (tag is "plain_text" or "lark_md")
                {
                    RequireString(item, "content", itemPath, "the note text", nonEmpty: false);
                }
                else if (tag == "img")
                {
                    RequireString(item, "img_key", itemPath, "an image key (img_…)");
                }
                else
                {
                    Error($"{itemPath}.tag", "A note holds only text objects (plain_text, lark_md) and images (img).");
                }
            }
        }

        private void ValidateAction(JsonElement action, string path, Scope scope)
        {
            if (!RequireNonEmptyArray(action, "actions", path, "buttons, selects, pickers or overflow menus"))
            {
                return;
            }

            var index = 0;
            foreach (var item in action.GetProperty("actions").EnumerateArray())
            {
                var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}.actions[{index++}]");
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("tag", out var tag)
                    && tag.ValueKind == JsonValueKind.String && !V1ActionTags.Contains(tag.GetString()!))
                {
                    Error($"{itemPath}.tag", $"'{tag.GetString()}' cannot go in an action module: it holds only buttons, selects, pickers and overflow menus.");
                    continue;
                }

                ValidateElement(item, itemPath, scope);
            }
        }

        private void ValidateButton(JsonElement button, string path, bool inForm)
        {
            ValidateText(button, "text", path, required: true, _version == CardSchemaVersion.V1 ? AnyText : PlainTextOnly, nonEmpty: true);
            if (_version == CardSchemaVersion.V2 && button.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.Object
                && text.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                && content.GetString()!.Length > CardLimits.MaxButtonTextLength)
            {
                Error($"{path}.text.content", string.Create(CultureInfo.InvariantCulture,
                    $"Button text is {content.GetString()!.Length} characters; JSON 2.0 allows at most {CardLimits.MaxButtonTextLength}."));
            }

            if (button.TryGetProperty("type", out var type) && (type.ValueKind != JsonValueKind.String || !ButtonTypes.Contains(type.GetString()!)))
            {
                Error($"{path}.type", $"Unknown button type {Quote(type)}: use one of {string.Join(", ", ButtonTypes)}.");
            }

            if (button.TryGetProperty("url", out var url) && (url.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(url.GetString())))
            {
                Error($"{path}.url", url.ValueKind == JsonValueKind.String
                    ? "'url' is empty: the button would lead nowhere. Give the link, or leave 'url' out."
                    : "'url' must be a string.");
            }

            if (button.TryGetProperty("multi_url", out var multiUrl) && ExpectObject(multiUrl, $"{path}.multi_url"))
            {
                RequireString(multiUrl, "url", $"{path}.multi_url", "the default link target");
            }

            ValidateInteraction(button, path);
            if (inForm && button.TryGetProperty("form_action_type", out var formAction))
            {
                if (formAction.ValueKind != JsonValueKind.String || formAction.GetString() is not ("submit" or "reset"))
                {
                    Error($"{path}.form_action_type", "'form_action_type' must be \"submit\" or \"reset\".");
                }
                else if (formAction.GetString() == "submit")
                {
                    _formHasSubmit = true;
                }
            }

            // Historical spelling of the same thing (action_type "form_submit").
            if (inForm && button.TryGetProperty("action_type", out var actionType)
                && actionType.ValueKind == JsonValueKind.String && actionType.GetString() == "form_submit")
            {
                _formHasSubmit = true;
            }
        }

        private void ValidateInteraction(JsonElement component, string path)
        {
            if (component.TryGetProperty("value", out var value) && value.ValueKind != JsonValueKind.Object)
            {
                Error($"{path}.value", $"'value' must be a JSON object (it is returned to your callback as is), not {Describe(value.ValueKind)}.");
            }

            if (!component.TryGetProperty("behaviors", out var behaviors))
            {
                return;
            }

            if (behaviors.ValueKind != JsonValueKind.Array)
            {
                Error($"{path}.behaviors", $"'behaviors' must be an array, not {Describe(behaviors.ValueKind)}.");
                return;
            }

            var index = 0;
            foreach (var behavior in behaviors.EnumerateArray())
            {
                var behaviorPath = string.Create(CultureInfo.InvariantCulture, $"{path}.behaviors[{index++}]");
                if (!ExpectObject(behavior, behaviorPath))
                {
                    continue;
                }

                var type = behavior.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                switch (type)
                {
                    case "open_url":
                        RequireString(behavior, "default_url", behaviorPath, "the link to open");
                        break;
                    case "callback":
                        if (!behavior.TryGetProperty("value", out var callbackValue))
                        {
                            Error($"{behaviorPath}.value", "Missing 'value': a callback behaviour sends this object to your callback.");
                        }
                        else if (callbackValue.ValueKind is not (JsonValueKind.Object or JsonValueKind.String))
                        {
                            Error($"{behaviorPath}.value", $"'value' must be an object, not {Describe(callbackValue.ValueKind)}.");
                        }

                        break;
                    case "form_action":
                        break;
                    default:
                        Error($"{behaviorPath}.type", "A behaviour's 'type' must be \"open_url\", \"callback\" or \"form_action\".");
                        break;
                }
            }
        }

        private void ValidateOptions(JsonElement component, string path, string tag)
        {
            if (!RequireNonEmptyArray(component, "options", path, "options {\"text\":{\"tag\":\"plain_text\",\"content\":\"…\"},\"value\":\"…\"}"))
            {
                return;
            }

            var index = 0;
            foreach (var option in component.GetProperty("options").EnumerateArray())
            {
                var optionPath = string.Create(CultureInfo.InvariantCulture, $"{path}.options[{index++}]");
                if (!ExpectObject(option, optionPath))
                {
                    continue;
                }

                ValidateText(option, "text", optionPath, required: true, tag == "overflow" ? AnyText : PlainTextOnly, nonEmpty: true);
                RequireString(option, "value", optionPath, "the value your callback receives when this option is chosen");
            }
        }

        private void ValidateInput(JsonElement input, string path)
        {
            ValidateText(input, "placeholder", path, required: false, PlainTextOnly, nonEmpty: false);
            ValidateText(input, "label", path, required: false, AnyText, nonEmpty: false);
            if (input.TryGetProperty("max_length", out var maxLength)
                && (!maxLength.TryGetInt32(out var max) || max is < 1 or > 1000))
            {
                Error($"{path}.max_length", "'max_length' must be an integer from 1 to 1000.");
            }

            ValidateInteraction(input, path);
        }

        private void ValidateColumnSet(JsonElement columnSet, string path, Scope scope)
        {
            if (!columnSet.TryGetProperty("columns", out var columns))
            {
                Error($"{path}.columns", "Missing 'columns': a column_set holds [{\"tag\":\"column\",\"elements\":[…]}, …].");
                return;
            }

            if (columns.ValueKind != JsonValueKind.Array)
            {
                Error($"{path}.columns", $"'columns' must be an array of columns, not {Describe(columns.ValueKind)}.");
                return;
            }

            var index = 0;
            foreach (var column in columns.EnumerateArray())
            {
                var columnPath = string.Create(CultureInfo.InvariantCulture, $"{path}.columns[{index++}]");
                if (!ExpectObject(column, columnPath))
                {
                    continue;
                }

                if (!column.TryGetProperty("tag", out var tag) || tag.ValueKind != JsonValueKind.String || tag.GetString() != "column")
                {
                    Error($"{columnPath}.tag", "Each entry of 'columns' must have \"tag\":\"column\".");
                }

                RequireElements(column, columnPath, scope);
            }
        }

        private void ValidateForm(JsonElement form, string path, Scope scope)
        {
            if (scope.InForm)
            {
                Error(path, "Forms cannot be nested: put all inputs in one form.");
            }
            else if (!scope.AtRoot)
            {
                Error(path, "A form can only be placed at the card root, not inside another component.");
            }

            CheckName(form, path, "A form needs a 'name' (unique in the card): it identifies which form was submitted.");
            var inner = Enter(path, scope) with { InForm = true };
            var outerHasSubmit = _formHasSubmit;
            _formHasSubmit = false;
            if (RequireElements(form, path, inner) && !_formHasSubmit)
            {
                Error($"{path}.elements", "A form needs a submit button: a button with \"form_action_type\":\"submit\" and a 'name'.");
            }

            _formHasSubmit = outerHasSubmit;
        }

        private bool RequireElements(JsonElement container, string path, Scope scope)
        {
            if (!container.TryGetProperty("elements", out var elements))
            {
                Error($"{path}.elements", "Missing 'elements': give the components this container holds.");
                return false;
            }

            ValidateElements(elements, $"{path}.elements", scope);
            return elements.ValueKind == JsonValueKind.Array;
        }

        private void CheckName(JsonElement component, string path, string missingMessage)
        {
            if (!component.TryGetProperty("name", out var name))
            {
                Error($"{path}.name", missingMessage);
                return;
            }

            if (name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
            {
                Error($"{path}.name", "'name' must be a non-empty string.");
                return;
            }

            if (!_names.TryAdd(name.GetString()!, path))
            {
                Error($"{path}.name", $"The name '{name.GetString()}' is already used at {_names[name.GetString()!]}: names must be unique in the card.");
            }
        }

        private void CheckElementId(JsonElement component, string path)
        {
            if (!component.TryGetProperty("element_id", out var id))
            {
                return;
            }

            var value = id.ValueKind == JsonValueKind.String ? id.GetString()! : null;
            if (value is null || value.Length is 0 or > 20 || !char.IsAsciiLetter(value[0]) || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                Error($"{path}.element_id", "'element_id' must start with a letter, hold only letters, digits and underscores, and be at most 20 characters.");
            }
            else if (!_elementIds.TryAdd(value, path))
            {
                Error($"{path}.element_id", $"The element_id '{value}' is already used at {_elementIds[value]}: it must be unique in the card.");
            }
        }

        private void ValidateText(JsonElement parent, string property, string parentPath, bool required, string[] allowedTags, bool nonEmpty)
        {
            var path = $"{parentPath}.{property}";
            if (!parent.TryGetProperty(property, out var text))
            {
                if (required)
                {
                    Error(path, $"Missing '{property}': give a text object {{\"tag\":\"{allowedTags[0]}\",\"content\":\"…\"}}.");
                }

                return;
            }

            if (!ExpectObject(text, path))
            {
                return;
            }

            if (!text.TryGetProperty("tag", out var tag))
            {
                Error($"{path}.tag", $"Missing 'tag': use {string.Join(" or ", allowedTags)}.");
            }
            else if (tag.ValueKind != JsonValueKind.String || !allowedTags.Contains(tag.GetString()))
            {
                Error($"{path}.tag", $"Text tag {Quote(tag)} is not allowed here: use {string.Join(" or ", allowedTags)}.");
            }

            // Multi-language text may carry i18n/i18n_content instead of content.
            if (!text.TryGetProperty("i18n", out _) && !text.TryGetProperty("i18n_content", out _))
            {
                RequireString(text, "content", path, "the text to show", nonEmpty);
            }
        }

        private void RequireString(JsonElement parent, string property, string parentPath, string what, bool nonEmpty = true)
        {
            var path = $"{parentPath}.{property}";
            if (!parent.TryGetProperty(property, out var value))
            {
                Error(path, $"Missing required '{property}': {what}.");
            }
            else if (value.ValueKind != JsonValueKind.String)
            {
                Error(path, $"'{property}' must be a string, not {Describe(value.ValueKind)}.");
            }
            else if (nonEmpty && string.IsNullOrWhiteSpace(value.GetString()))
            {
                Error(path, $"'{property}' must not be empty: {what}.");
            }
        }

        private bool RequireNonEmptyArray(JsonElement parent, string property, string parentPath, string what)
        {
            var path = $"{parentPath}.{property}";
            if (!parent.TryGetProperty(property, out var value))
            {
                Error(path, $"Missing required '{property}': an array of {what}.");
                return false;
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                Error(path, $"'{property}' must be an array of {what}, not {Describe(value.ValueKind)}.");
                return false;
            }

            if (value.GetArrayLength() == 0)
            {
                Error(path, $"'{property}' must not be empty: add at least one of {what}.");
                return false;
            }

            return true;
        }

        private bool ExpectObject(JsonElement value, string path)
        {
            if (value.ValueKind == JsonValueKind.Object)
            {
                return true;
            }

            Error(path, $"'{LastSegment(path)}' must be an object, not {Describe(value.ValueKind)}.");
            return false;
        }

        // Every object with a string "tag" counts toward the 2.0 limit: components and text elements alike.
        private static int CountTagged(JsonElement value)
        {
            var count = 0;
            if (value.ValueKind == JsonValueKind.Object)
            {
                if (value.TryGetProperty("tag", out var tag) && tag.ValueKind == JsonValueKind.String)
                {
                    count++;
                }

                foreach (var property in value.EnumerateObject())
                {
                    count += CountTagged(property.Value);
                }
            }
            else if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in value.EnumerateArray())
                {
                    count += CountTagged(item);
                }
            }

            return count;
        }

        private static string LastSegment(string path)
        {
            var trimmed = path.EndsWith(']') ? path[..path.LastIndexOf('[')] : path;
            return trimmed[(trimmed.LastIndexOf('.') + 1)..];
        }

        /// <summary>
        /// A component property that is not one of its tag's but is one or two edits from exactly one that is (<c>txt</c>,
        /// <c>acitons</c>) is a typo Feishu silently ignores. Other unknown properties pass: components gain properties
        /// faster than any list here, and refusing a valid card is worse than missing a property that is far from any.
        /// </summary>
        private void CheckMisspeltProperties(JsonElement element, string tag, string path)
        {
            if (!ComponentProperties.TryGetValue(tag, out var known))
            {
                return;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (!known.Contains(property.Name) && !CommonComponentProperties.Contains(property.Name)
                    && DidYouMean(property.Name, known) is { Length: > 0 } suggestion)
                {
                    Error($"{path}.{property.Name}", $"Unknown {tag} property '{property.Name}'{suggestion}: Feishu ignores it, so it would not take effect; rename it.");
                }
            }
        }

        /// <summary>" (did you mean 'header'?)" when one known name is at most two edits away, else empty.</summary>
        private static string DidYouMean(string name, IEnumerable<string> known)
        {
            var close = known.Where(k => EditDistance(name, k) <= 2).Take(2).ToList();
            return close is [var only] ? $" (did you mean '{only}'?)" : "";
        }

        private static int EditDistance(string a, string b)
        {
            if (Math.Abs(a.Length - b.Length) > 2)
            {
                return int.MaxValue;
            }

            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                    current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }

        private static string Quote(JsonElement value) =>
            value.ValueKind == JsonValueKind.String ? $"'{value.GetString()}'" : Describe(value.ValueKind);

        private static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }
}
