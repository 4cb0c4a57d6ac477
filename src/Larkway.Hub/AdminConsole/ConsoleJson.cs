using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// JSON as the console shows it to people: indented, and with text as text — <c>¥</c> and <c>审批</c>, not <c>\u00A5</c>.
/// The relaxed encoder does not escape HTML-sensitive characters either, which is safe only because every page puts
/// the result through Razor's HTML encoding (a textarea, a <c>pre</c>); never write it into a page unencoded.
/// </summary>
internal static class ConsoleJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><paramref name="json"/> indented; text that is not JSON comes back as it is.</summary>
    public static string Pretty(string json) => Rewrite(json, Indented);

    /// <summary><paramref name="json"/> on one line (audit details); text that is not JSON comes back as it is.</summary>
    public static string OneLine(string json) => Rewrite(json, Compact);

    /// <summary>A stored UTF-8 body indented (as text when it is not JSON).</summary>
    public static string Pretty(byte[] utf8) => Pretty(Encoding.UTF8.GetString(utf8));

    /// <summary>One value on one line: a string as its text, anything else as JSON.</summary>
    public static string Value(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(Compact),
    };

    private static string Rewrite(string json, JsonSerializerOptions options)
    {
        try
        {
            return JsonNode.Parse(json)?.ToJsonString(options) ?? json;
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
