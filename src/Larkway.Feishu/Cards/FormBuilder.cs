using System.Text.Json.Nodes;

namespace Larkway.Feishu.Cards;

/// <summary>
/// The components of a JSON 2.0 <c>form</c> container. Every interactive component in a form needs a
/// <c>name</c> (it keys the submitted value), and the form needs a submit button.
/// </summary>
public sealed class FormBuilder : CardElementsBuilder<FormBuilder>
{
    internal FormBuilder(CardSchemaVersion version)
        : base(version)
    {
    }

    /// <summary>Adds a text input: <c>{"tag":"input","name":…,"placeholder":…,"required":…}</c>.</summary>
    public FormBuilder Input(string name, string? placeholder = null, string? label = null, bool required = false, string? defaultValue = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var input = new JsonObject { ["tag"] = "input", ["name"] = name };
        if (placeholder is not null)
        {
            input["placeholder"] = CardWire.Text(placeholder);
        }

        if (label is not null)
        {
            input["label"] = CardWire.Text(label);
        }

        if (defaultValue is not null)
        {
            input["default_value"] = defaultValue;
        }

        if (required)
        {
            input["required"] = true;
        }

        return Add(input);
    }

    /// <summary>
    /// Adds the button that submits the form (<c>"form_action_type":"submit"</c>). The callback receives the
    /// inputs in <c>form_value</c>, plus <paramref name="value"/> if given.
    /// </summary>
    public FormBuilder SubmitButton(string text, string name = "submit", ButtonType type = ButtonType.Primary, JsonObject? value = null) =>
        FormButton(text, name, type, "submit", value);

    /// <summary>Adds a button that resets the form's inputs (<c>"form_action_type":"reset"</c>).</summary>
    public FormBuilder ResetButton(string text, string name = "reset", ButtonType type = ButtonType.Default) =>
        FormButton(text, name, type, "reset", value: null);

    internal JsonObject Build(string name) =>
        new() { ["tag"] = "form", ["name"] = name, ["elements"] = Elements.DeepClone() };

    private FormBuilder FormButton(string text, string name, ButtonType type, string actionType, JsonObject? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var button = new JsonObject
        {
            ["tag"] = "button",
            ["name"] = name,
            ["text"] = CardWire.Text(text),
            ["type"] = type.ToWire(),
            ["form_action_type"] = actionType,
        };
        AddInteraction(button, value, link: null);
        return Add(button);
    }
}
