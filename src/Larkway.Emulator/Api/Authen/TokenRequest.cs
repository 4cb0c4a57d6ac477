using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Authen;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Api.Authen;

/// <summary>
/// A token request's fields, from a JSON body (what Feishu's doc shows) or a form (what RFC 6749 clients post), and
/// the client credentials of an HTTP Basic header if there is one. Anything else is 20063 with what to send instead.
/// </summary>
internal sealed record TokenRequest(IReadOnlyDictionary<string, string> Fields, string? BasicId, string? BasicSecret)
{
    private const int MaxBody = 64 * 1024;

    public string? this[string name] => Fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string Required(string name) =>
        this[name] ?? throw OAuthErrors.Fail(OAuthErrors.MissingParameter, $"The parameter '{name}' is missing.");

    public static async Task<TokenRequest> ReadAsync(HttpRequest request)
    {
        var (id, secret) = BasicOf(request);
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType : null;
        var fields = mediaType switch
        {
            "application/json" => await ReadJsonAsync(request),
            "application/x-www-form-urlencoded" => await ReadFormAsync(request),
            _ => throw OAuthErrors.Fail(OAuthErrors.MalformedRequest, $"Send the parameters as application/json or application/x-www-form-urlencoded (Content-Type was '{request.ContentType}')."),
        };
        return new TokenRequest(fields, id, secret);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.Length <= MaxBody
            ? buffer.ToArray()
            : throw OAuthErrors.Fail(OAuthErrors.MalformedRequest, $"The request body is larger than {MaxBody / 1024} KiB.");
    }

    private static async Task<Dictionary<string, string>> ReadJsonAsync(HttpRequest request)
    {
        var body = await ReadBodyAsync(request);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw OAuthErrors.Fail(OAuthErrors.MalformedRequest, "The body is not valid JSON: " + e.Message);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw OAuthErrors.Fail(OAuthErrors.MalformedRequest, "The JSON body must be an object of string fields.");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            fields[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Null => string.Empty,
                _ => throw OAuthErrors.Fail(OAuthErrors.MalformedRequest, $"The field '{property.Name}' must be a string."),
            };
        }

        return fields;
    }

    private static async Task<Dictionary<string, string>> ReadFormAsync(HttpRequest request)
    {
        var body = Encoding.UTF8.GetString(await ReadBodyAsync(request));
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = FormDecode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : FormDecode(pair[(equals + 1)..]);

            // RFC 6749 §3.2: a parameter must not appear more than once.
            if (!fields.TryAdd(name, value))
            {
                throw OAuthErrors.Fail(OAuthErrors.MalformedRequest, $"The parameter '{name}' is given more than once.");
            }
        }

        return fields;
    }

    /// <summary>RFC 6749 §2.3.1: the id and secret are form-encoded, joined by ':', then base64.</summary>
    private static (string? Id, string? Secret) BasicOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                return (FormDecode(decoded[..colon]), FormDecode(decoded[(colon + 1)..]));
            }
        }
        catch (FormatException)
        {
            // Reported below with the rest of the malformed headers.
        }

        throw OAuthErrors.Fail(OAuthErrors.MalformedRequest, "The Basic authorization header must be base64 of 'client_id:client_secret'.");
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
