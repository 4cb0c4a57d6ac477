using System.Text;
using System.Text.Json;
using static Larkway.Emulator.Web.JsonRead;

namespace Larkway.Emulator.Web;

/// <summary>Who clicks and on which message: given, the card's interactive elements become form posts.</summary>
internal sealed record CardActionContext(string MessageId, string OperatorOpenId);

/// <summary>
/// Interactive card elements as plain HTML forms posting to <see cref="ActionUrl"/>: hidden fields carry
/// the element's tag, name and callback value (JSON); the visible control supplies option or input.
/// The only script is an onchange submit on selects.
/// </summary>
internal static class CardActionForms
{
    public static string ActionUrl(string messageId) => "/_emulator/web/messages/" + Uri.EscapeDataString(messageId) + "/actions";

    public static void Button(JsonElement button, string cssClass, string label, StringBuilder html, CardActionContext actions)
    {
        Open(html, actions, "button", button);
        html.Append("<button type=\"submit\" class=\"").Append(cssClass).Append("\">").Append(label).Append("</button></form>");
    }

    public static void Render(JsonElement element, StringBuilder html, CardActionContext? actions)
    {
        var tag = Str(element, "tag")!;
        var placeholder = Plain(element, "placeholder");
        var options = CardHtmlRenderer.Array(element, "options").ToList();
        if (actions is null)
        {
            // Previews (larkway card preview): show the control, inert.
            html.Append("<span class=\"el-control\">[").Append(Html.Encode(tag)).Append(placeholder.Length > 0 ? ": " + Html.Encode(placeholder) : string.Empty).Append("]</span>");
            return;
        }

        switch (tag)
        {
            case "select_static":
                Open(html, actions, tag, element);
                html.Append("<select name=\"option\" required onchange=\"this.form.requestSubmit()\"><option value=\"\" disabled selected>")
                    .Append(Html.Encode(placeholder.Length > 0 ? placeholder : "Choose…")).Append("</option>");
                foreach (var option in options)
                {
                    html.Append("<option value=\"").Append(Html.Encode(Str(option, "value"))).Append("\">").Append(Html.Encode(Plain(option, "text"))).Append("</option>");
                }

                html.Append("</select> <button type=\"submit\" class=\"btn btn-default\">OK</button></form>");
                break;
            case "overflow":
                Open(html, actions, tag, element);
                html.Append("<span class=\"overflow\">⋯ ");
                foreach (var option in options)
                {
                    html.Append(Html.SafeUrl(Str(option, "url")) is { } url
                        ? $"<a class=\"btn btn-text\" href=\"{Html.Encode(url)}\" rel=\"noopener noreferrer\" target=\"_blank\">{Html.Encode(Plain(option, "text"))}</a>"
                        : $"<button type=\"submit\" class=\"btn btn-text\" name=\"option\" value=\"{Html.Encode(Str(option, "value"))}\">{Html.Encode(Plain(option, "text"))}</button>");
                }

                html.Append("</span></form>");
                break;
            case "input":
                Open(html, actions, tag, element);
                html.Append("<input name=\"input_value\" placeholder=\"").Append(Html.Encode(placeholder)).Append("\"> <button type=\"submit\" class=\"btn btn-default\">Send</button></form>");
                break;
            default:
                // date_picker / picker_date / picker_time / picker_datetime
                var type = tag switch { "picker_time" => "time", "picker_datetime" => "datetime-local", _ => "date" };
                Open(html, actions, tag, element);
                html.Append("<input type=\"").Append(type).Append("\" name=\"picker\" required> <button type=\"submit\" class=\"btn btn-default\">OK</button></form>");
                break;
        }
    }

    private static void Open(StringBuilder html, CardActionContext actions, string tag, JsonElement element)
    {
        html.Append("<form class=\"card-action\" method=\"post\" action=\"").Append(ActionUrl(actions.MessageId)).Append("\">");
        Hidden(html, "operator", actions.OperatorOpenId);
        Hidden(html, "tag", tag);
        Hidden(html, "value", CallbackValue(element));
        if (Str(element, "name") is { } name)
        {
            Hidden(html, "name", name);
        }
    }

    /// <summary>v2: <c>behaviors[{type:"callback", value}]</c>; v1 (and v2 leftovers): <c>value</c>; else {}.</summary>
    private static string CallbackValue(JsonElement element)
    {
        var callback = CardHtmlRenderer.Array(element, "behaviors").FirstOrDefault(b => Str(b, "type") == "callback");
        if (callback.ValueKind == JsonValueKind.Object && callback.TryGetProperty("value", out var behaviorValue))
        {
            return behaviorValue.GetRawText();
        }

        return element.TryGetProperty("value", out var value) ? value.GetRawText() : "{}";
    }

    private static void Hidden(StringBuilder html, string name, string value) =>
        html.Append("<input type=\"hidden\" name=\"").Append(name).Append("\" value=\"").Append(Html.Encode(value)).Append("\">");

    private static string Plain(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var text)
            ? text.ValueKind == JsonValueKind.Object ? Str(text, "content") ?? string.Empty : text.ValueKind == JsonValueKind.String ? text.GetString()! : string.Empty
            : string.Empty;
}
