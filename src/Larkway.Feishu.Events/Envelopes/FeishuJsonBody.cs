using System.Text.Json;
using System.Text.Unicode;

namespace Larkway.Feishu.Events.Envelopes;

/// <summary>
/// The one way an event or callback body (raw or decrypted) is read as JSON: valid UTF-8, nested at most
/// <see cref="MaxDepth"/> levels, every string transcodable (no unpaired <c>\uD800</c>-style escapes) and no
/// property named twice in one object. Anything else is <see cref="FeishuEventErrorReason.Malformed"/> here,
/// so no later <c>GetString()</c>, typed model or forwarded copy meets a string it cannot read or a key
/// that two parsers would resolve differently.
/// </summary>
internal static class FeishuJsonBody
{
    /// <summary>The deepest nesting a body may have.</summary>
    public const int MaxDepth = 128;

    /// <summary>Checks and parses a body; the returned root is independent of <paramref name="body"/>.</summary>
    /// <exception cref="FeishuEventException">Reason <see cref="FeishuEventErrorReason.Malformed"/>, saying what is wrong and where.</exception>
    public static JsonElement Parse(ReadOnlySpan<byte> body) => ParseOwned(body.ToArray());

    /// <summary>Checks and parses a body the caller hands over: the returned root reads it in place, so it must never change.</summary>
    /// <exception cref="FeishuEventException">Reason <see cref="FeishuEventErrorReason.Malformed"/>, saying what is wrong and where.</exception>
    public static JsonElement ParseOwned(byte[] body)
    {
        if (!Utf8.IsValid(body))
        {
            throw Malformed("the body is not valid UTF-8");
        }

        // Only a \u escape can spell an unpaired surrogate; a body without one needs no string-by-string pass.
        if (body.AsSpan().IndexOf("\\u"u8) >= 0)
        {
            CheckSyntaxAndStrings(body);
        }

        try
        {
            // Not disposed: the root stays readable for as long as the envelope holds it (its pooled index is left to the GC).
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false }).RootElement;
        }
        catch (JsonException)
        {
            // The pass names a syntax or depth error and where it is; if it finds none, a property was named twice.
            CheckSyntaxAndStrings(body);
            throw Malformed("an object names the same property more than once");
        }
    }

    /// <summary>
    /// The base64 text of a body that is exactly <c>{"encrypt":"…"}</c> (one property, its string without escapes), read
    /// without building a document; false for anything else, which <see cref="Parse(ReadOnlySpan{byte})"/> then reads and judges.
    /// </summary>
    public static bool TryReadSoleEncrypt(ReadOnlySpan<byte> body, out Range base64)
    {
        base64 = default;
        if (!Utf8.IsValid(body))
        {
            return false;
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
                || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped || !reader.ValueTextEquals("encrypt"u8)
                || !reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
            {
                return false;
            }

            var start = (int)reader.TokenStartIndex + 1;
            var value = start..(start + reader.ValueSpan.Length);
            if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }

            base64 = value;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>One forward pass: syntax, depth, and the escaped strings (unescaped ones are valid once the whole body is UTF-8).</summary>
    private static void CheckSyntaxAndStrings(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    CheckEscapedString(ref reader);
                }
            }
        }
        catch (JsonException ex)
        {
            throw reader.CurrentDepth >= MaxDepth - 1
                ? Malformed($"the body nests deeper than {MaxDepth} levels")
                : Malformed($"the body is not valid JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine})");
        }
    }

    private static void CheckEscapedString(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            throw Malformed($"the string at byte {reader.TokenStartIndex} has a \\u escape that is not a valid UTF-16 character (an unpaired surrogate)");
        }
    }

    internal static FeishuEventException Malformed(string what) =>
        new(FeishuEventErrorReason.Malformed, $"Malformed Feishu event: {what}.");
}
