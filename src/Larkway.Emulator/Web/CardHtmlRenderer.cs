using System.Text;
using System.Text.Json;
using static Larkway.Emulator.Web.JsonRead;

namespace Larkway.Emulator.Web;

/// <summary>
/// Renders a Feishu card (JSON 1.0 <c>{config, header, elements}</c> or 2.0
/// <c>{schema:"2.0", header, body:{elements}}</c>, or a template reference) as self-contained,
/// HTML-encoded markup. Used by the chat view and by the CLI's <c>card preview</c>.
/// </summary>
public static class CardHtmlRenderer
{
    // Header templates → colours; unknown names fall back to the default so no user text reaches CSS.
    private static readonly Dictionary<string, string> TemplateColours = new(StringComparer.Ordinal)
    {
        ["blue"] = "#3370ff", ["wathet"] = "#4fc0ff", ["turquoise"] = "#2dbeab", ["green"] = "#34c724",
        ["yellow"] = "#ffc60a", ["orange"] = "#ff8800", ["red"] = "#f54a45", ["carmine"] = "#e23f7c",
        ["violet"] = "#d136d1", ["purple"] = "#7f3bf5", ["indigo"] = "#4954e6", ["grey"] = "#8f959e",
        ["default"] = "#1f2329",
    };

    /// <summary>A standalone HTML page showing <paramref name="card"/> as the web view does (for previews).</summary>
    public static string RenderPage(string title, JsonElement card) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Html.Encode(title)}</title>"
        + $"<style>{PageStyles.Css}</style></head><body><main>{Render(card)}</main></body></html>";

    /// <summary>A complete <c>&lt;div class="card"&gt;</c> for the card (interactive elements inert, mentions by id).</summary>
    public static string Render(JsonElement card) => Render(card, actions: null, names: null);

    /// <summary>
    /// The card with its interactive elements (callback buttons, select_static, overflow, date pickers,
    /// input) as plain form posts to the web view's action route when <paramref name="actions"/> is given,
    /// and people (<c>&lt;at&gt;</c> mentions, person and person_list elements) by the names <paramref name="names"/> knows.
    /// </summary>
    internal static string Render(JsonElement card, CardActionContext? actions, PersonNames? names) => new Renderer(actions, names).Card(card);

    private static string PlainOf(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var text) ? text.ValueKind == JsonValueKind.Object ? Str(text, "content") ?? string.Empty : text.ValueKind == JsonValueKind.String ? text.GetString()! : string.Empty : string.Empty;

    internal static IEnumerable<JsonElement> Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    /// <summary>One card's rendering: who may click (<see cref="CardActionContext"/>) and whose names are known.</summary>
    private sealed class Renderer(CardActionContext? actions, PersonNames? names)
    {
        public string Card(JsonElement card)
        {
            var html = new StringBuilder("<div class=\"card\">");
            if (card.ValueKind != JsonValueKind.Object)
            {
                return html.Append("<div class=\"card-body\"><em>invalid card</em></div></div>").ToString();
            }

            if (Str(card, "type") == "template")
            {
                var templateId = card.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? Str(data, "template_id") : null;
                return html.Append("<div class=\"card-body\">Template card <code>").Append(Html.Encode(templateId)).Append("</code></div></div>").ToString();
            }

            if (card.TryGetProperty("header", out var header) && header.ValueKind == JsonValueKind.Object)
            {
                RenderHeader(header, html);
            }

            html.Append("<div class=\"card-body\">");
            RenderElements(ElementsOf(card), html);
            return html.Append("</div></div>").ToString();
        }

        private void RenderHeader(JsonElement header, StringBuilder html)
        {
            var template = Str(header, "template") ?? "default";
            var colour = TemplateColours.GetValueOrDefault(template, TemplateColours["default"]);
            html.Append("<div class=\"card-header\" data-template=\"").Append(Html.Encode(template)).Append("\" style=\"border-top:4px solid ").Append(colour).Append("\">");
            html.Append("<div class=\"card-title\">").Append(TextOf(header, "title")).Append("</div>");
            if (header.TryGetProperty("subtitle", out _))
            {
                html.Append("<div class=\"card-subtitle\">").Append(TextOf(header, "subtitle")).Append("</div>");
            }

            html.Append("</div>");
        }

        private static IEnumerable<JsonElement> ElementsOf(JsonElement card)
        {
            if (card.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("elements", out var v2) && v2.ValueKind == JsonValueKind.Array)
            {
                return v2.EnumerateArray();
            }

            if (card.TryGetProperty("elements", out var v1) && v1.ValueKind == JsonValueKind.Array)
            {
                return v1.EnumerateArray();
            }

            // i18n cards: show the first locale.
            if (card.TryGetProperty("i18n_elements", out var i18n) && i18n.ValueKind == JsonValueKind.Object)
            {
                var first = i18n.EnumerateObject().FirstOrDefault();
                return first.Value.ValueKind == JsonValueKind.Array ? first.Value.EnumerateArray() : [];
            }

            return [];
        }

        private void RenderElements(IEnumerable<JsonElement> elements, StringBuilder html)
        {
            foreach (var element in elements)
            {
                RenderElement(element, html);
            }
        }

        private void RenderElement(JsonElement element, StringBuilder html)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            switch (Str(element, "tag"))
            {
                case "div":
                    html.Append("<div class=\"el-div\">");
                    if (element.TryGetProperty("text", out _))
                    {
                        html.Append("<div>").Append(TextOf(element, "text")).Append("</div>");
                    }

                    if (element.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array)
                    {
                        html.Append("<div class=\"fields\">");
                        foreach (var field in fields.EnumerateArray())
                        {
                            var isShort = field.ValueKind == JsonValueKind.Object && field.TryGetProperty("is_short", out var s) && s.ValueKind == JsonValueKind.True;
                            html.Append("<div class=\"field ").Append(isShort ? "short" : "long").Append("\">").Append(TextOf(field, "text")).Append("</div>");
                        }

                        html.Append("</div>");
                    }

                    html.Append("</div>");
                    break;
                case "markdown" or "lark_md":
                    html.Append("<div class=\"el-markdown\">").Append(Html.Markdown(Str(element, "content"), names)).Append("</div>");
                    break;
                case "person":
                    html.Append("<div class=\"el-person\">").Append(Person(Str(element, "user_id"))).Append("</div>");
                    break;
                case "person_list":
                    html.Append("<div class=\"el-person\">").AppendJoin(" ", Array(element, "persons").Select(p => Person(Str(p, "id")))).Append("</div>");
                    break;
                case "plain_text":
                    html.Append("<div class=\"el-text\">").Append(Html.Encode(Str(element, "content"))).Append("</div>");
                    break;
                case "hr":
                    html.Append("<hr>");
                    break;
                case "img" or "image":
                    html.Append("<img class=\"el-img\" src=\"").Append(Html.ResourceUrl(Str(element, "img_key") ?? string.Empty)).Append("\" alt=\"")
                        .Append(Html.Encode(PlainOf(element, "alt"))).Append("\">");
                    break;
                case "note":
                    html.Append("<div class=\"el-note\">");
                    foreach (var item in Array(element, "elements"))
                    {
                        if (Str(item, "tag") is "img")
                        {
                            html.Append("<img class=\"note-img\" src=\"").Append(Html.ResourceUrl(Str(item, "img_key") ?? string.Empty)).Append("\" alt=\"\">");
                        }
                        else
                        {
                            html.Append("<span>").Append(TextValue(item)).Append("</span> ");
                        }
                    }

                    html.Append("</div>");
                    break;
                case "action":
                    html.Append("<div class=\"el-action\">");
                    RenderElements(Array(element, "actions"), html);
                    html.Append("</div>");
                    break;
                case "button":
                    RenderButton(element, html);
                    break;
                case "select_static" or "overflow" or "date_picker" or "picker_date" or "picker_time" or "picker_datetime" or "input":
                    CardActionForms.Render(element, html, actions);
                    break;
                case "column_set":
                    html.Append("<div class=\"el-columns\">");
                    foreach (var column in Array(element, "columns"))
                    {
                        html.Append("<div class=\"el-column\">");
                        RenderElements(Array(column, "elements"), html);
                        html.Append("</div>");
                    }

                    html.Append("</div>");
                    break;
                default:
                    // Containers we do not draw specially (forms, panels) still show their children.
                    if (element.TryGetProperty("elements", out var children) && children.ValueKind == JsonValueKind.Array)
                    {
                        html.Append("<div class=\"el-container\">");
                        RenderElements(children.EnumerateArray(), html);
                        html.Append("</div>");
                    }
                    else
                    {
                        html.Append("<div class=\"el-unknown\">[").Append(Html.Encode(Str(element, "tag"))).Append("]</div>");
                    }

                    break;
            }
        }

        /// <summary>v1: <c>url</c> / <c>multi_url.url</c>; v2: <c>behaviors[{type:"open_url", default_url}]</c>.</summary>
        private void RenderButton(JsonElement button, StringBuilder html)
        {
            var url = Str(button, "url");
            if (url is null && button.TryGetProperty("multi_url", out var multi) && multi.ValueKind == JsonValueKind.Object)
            {
                url = Str(multi, "url");
            }

            url ??= Array(button, "behaviors").Where(b => Str(b, "type") == "open_url").Select(b => Str(b, "default_url")).FirstOrDefault();
            var type = Str(button, "type") ?? "default";
            var kind = type is "primary" or "danger" or "default" or "text" or "laser" or "primary_filled" or "danger_filled" ? type : "default";
            var label = TextOf(button, "text");
            if (Html.SafeUrl(url) is { } safe)
            {
                html.Append($"<a class=\"btn btn-{kind}\" href=\"{Html.Encode(safe)}\" rel=\"noopener noreferrer\" target=\"_blank\">{label}</a>");
            }
            else if (url is null && actions is not null)
            {
                CardActionForms.Button(button, $"btn btn-{kind}", label, html, actions);
            }
            else
            {
                html.Append($"<button type=\"button\" class=\"btn btn-{kind}\">{label}</button>");
            }
        }

        /// <summary>A text object (<c>{tag: plain_text|lark_md, content}</c>) under <paramref name="name"/>, as HTML.</summary>
        public string TextOf(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var text) ? TextValue(text) : string.Empty;

        private string TextValue(JsonElement text) => text.ValueKind switch
        {
            JsonValueKind.String => Html.Encode(text.GetString()),
            JsonValueKind.Object => Str(text, "tag") == "lark_md" ? Html.Markdown(Str(text, "content"), names) : Html.Encode(Str(text, "content")),
            _ => string.Empty,
        };

        /// <summary>A person element: the name Feishu shows for the id (open_id, union_id or user_id), else the id.</summary>
        private string Person(string? id) =>
            "<span class=\"person\">" + Html.Encode(id is null ? string.Empty : names?.Of(id) ?? id) + "</span>";
    }
}
