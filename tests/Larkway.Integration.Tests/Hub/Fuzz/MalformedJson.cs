using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>One generated request body: what it is (for the failure report), its bytes and its content type.</summary>
internal sealed record FuzzBody(string Name, byte[] Bytes, string? ContentType = "application/json")
{
    public static FuzzBody Text(string name, string text, string? contentType = "application/json") => new(name, Encoding.UTF8.GetBytes(text), contentType);
}

/// <summary>
/// Malformed JSON of every class a hostile caller tries: broken encoding, duplicate keys, nulls and wrong types where
/// objects are expected, huge and deeply nested values, wrong roots and content types. <see cref="Mutations"/> applies
/// the value-level classes to each field of a valid sample body in turn, so every field a route reads gets them.
/// </summary>
internal static class MalformedJson
{
    /// <summary>The length of a string that replaces a value with bytes invalid as UTF-8 after serialisation.</summary>
    private const string InvalidUtf8Marker = "\u2063invalid-utf8\u2063";

    /// <summary>Sub-expressions nested this deep overflowed the Handlebars compiler's stack.</summary>
    public const int HandlebarsBombDepth = 10_000;

    public static string HandlebarsBomb(int depth = HandlebarsBombDepth)
    {
        var text = new StringBuilder("{{a ");
        for (var i = 0; i < depth; i++)
        {
            text.Append("(b ");
        }

        text.Append('c', 1).Append(')', depth).Append("}}");
        return text.ToString();
    }

    /// <summary>Bodies that are wrong whatever the route expects.</summary>
    public static IEnumerable<FuzzBody> Generic(Random random)
    {
        yield return new FuzzBody("empty", []);
        yield return FuzzBody.Text("not-json", "hello there");
        yield return FuzzBody.Text("truncated", """{"name": "x", "types": [""");
        yield return FuzzBody.Text("trailing-garbage", """{"name": "x"} {"name": "y"}""");
        yield return new FuzzBody("invalid-utf8-in-string", [.. "{\"name\":\""u8, 0xFF, 0xFE, 0xC3, .. "\",\"encrypt\":\""u8, 0xC0, 0x80, .. "\"}"u8]);
        yield return new FuzzBody("invalid-utf8-outside-strings", [.. "{\"name\":1"u8, 0xC3, 0x28, .. "}"u8]);
        yield return FuzzBody.Text("bad-surrogate-escape", """{"name": "\ud800", "encrypt": "\udfff\ud800"}""");
        yield return FuzzBody.Text("nul-escape", """{"name": "a\u0000b"}""");
        yield return FuzzBody.Text("duplicate-keys", """{"name": "a", "name": "b", "types": ["*"], "types": null}""");
        yield return FuzzBody.Text("null-root", "null");
        yield return FuzzBody.Text("array-root", "[null, 1, {}]");
        yield return FuzzBody.Text("string-root", "\"{}\"");
        yield return FuzzBody.Text("number-overflow-root", "1e999999");
        yield return FuzzBody.Text("huge-integer", """{"limit": 123456789012345678901234567890123456789, "amount": -1e400}""");
        yield return FuzzBody.Text("deep-arrays", new string('[', 10_000) + new string(']', 10_000));
        yield return FuzzBody.Text("deep-objects", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000));
        yield return FuzzBody.Text("handlebars-bomb", JsonSerializer.Serialize(new { template = HandlebarsBomb(), name = HandlebarsBomb(), card = HandlebarsBomb() }));
        yield return FuzzBody.Text("huge-string", JsonSerializer.Serialize(new { name = new string('x', 300_000) }));
        yield return FuzzBody.Text("many-keys", "{" + string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"k{i}\":null")) + "}");
        var bytes = new byte[2048];
        random.NextBytes(bytes);
        yield return new FuzzBody("random-bytes", bytes);
        yield return FuzzBody.Text("json-as-text-plain", """{"name": "x"}""", "text/plain");
        yield return FuzzBody.Text("unknown-charset", """{"name": "x"}""", "application/json; charset=klingon");
        yield return FuzzBody.Text("utf16-charset", """{"name": "x"}""", "application/json; charset=utf-16");
        yield return FuzzBody.Text("broken-multipart", "--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data; boundary=");
        yield return FuzzBody.Text("form-encoded", "name=%FF%FE&types=%00&__RequestVerificationToken=x", "application/x-www-form-urlencoded");
        yield return FuzzBody.Text("no-content-type", """{"name": "x"}""", null);
    }

    /// <summary>
    /// For each value of <paramref name="sample"/> (a valid body), a body where only that value is replaced by each
    /// hostile value; plus a duplicate of each key. <paramref name="pick"/> keeps a share of them when there are many.
    /// </summary>
    public static IEnumerable<FuzzBody> Mutations(string sample, Random random, double pick = 1.0)
    {
        var root = JsonNode.Parse(sample)!;
        foreach (var path in Paths(root, "$"))
        {
            foreach (var (name, replacement) in HostileValues())
            {
                if (random.NextDouble() > pick)
                {
                    continue;
                }

                yield return Serialize($"{path}={name}", With(root, path, replacement?.DeepClone()));
            }

            if (random.NextDouble() <= pick)
            {
                yield return Serialize($"{path}=invalid-utf8", With(root, path, JsonValue.Create(InvalidUtf8Marker)));
            }
        }

        foreach (var (path, key) in Keys(root, "$"))
        {
            if (random.NextDouble() <= pick)
            {
                yield return new FuzzBody($"{path}.{key}=duplicated", DuplicateKey(sample, key));
            }
        }
    }

    private static IEnumerable<(string Name, JsonNode? Value)> HostileValues()
    {
        yield return ("null", null);
        yield return ("zero", JsonValue.Create(0));
        yield return ("negative", JsonValue.Create(-1));
        yield return ("huge-number", JsonValue.Create(1.7976931348623157e308));
        yield return ("fraction", JsonValue.Create(0.5));
        yield return ("true", JsonValue.Create(true));
        yield return ("empty-string", JsonValue.Create(""));
        yield return ("long-string", JsonValue.Create(new string('é', 20_000)));
        yield return ("control-chars", JsonValue.Create("\u0000\u0001\u001f\u007f\u200b\ufeff"));
        yield return ("handlebars", JsonValue.Create("{{#each x}}{{../../../a}}{{/each}}{{> partial}}{{{raw}}}{{"));
        yield return ("handlebars-bomb", JsonValue.Create(HandlebarsBomb(2_000)));
        yield return ("empty-array", new JsonArray());
        yield return ("null-items", new JsonArray(null, null));
        yield return ("wrong-items", new JsonArray(1, "x", new JsonArray(), new JsonObject()));
        yield return ("empty-object", new JsonObject());
        yield return ("object-of-nulls", new JsonObject { ["value"] = null, ["tag"] = null, ["email"] = null });
        yield return ("nested-200", Nested(200));
    }

    private static JsonNode Nested(int depth)
    {
        JsonNode node = JsonValue.Create(1);
        for (var i = 0; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    private static FuzzBody Serialize(string name, JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        var bytes = Encoding.UTF8.GetBytes(text);
        var marker = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(InvalidUtf8Marker)[1..^1]);
        var at = bytes.AsSpan().IndexOf(marker);
        if (at >= 0)
        {
            // Bytes no UTF-8 decoder accepts, inside the string.
            bytes = [.. bytes.AsSpan(0, at), 0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80, .. bytes.AsSpan(at + marker.Length)];
        }

        return new FuzzBody(name, bytes);
    }

    /// <summary>Every value's path, $ (the root) included.</summary>
    private static IEnumerable<string> Paths(JsonNode? node, string path)
    {
        yield return path;
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    foreach (var p in Paths(child, $"{path}.{key}"))
                    {
                        yield return p;
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    foreach (var p in Paths(a[i], $"{path}[{i}]"))
                    {
                        yield return p;
                    }
                }

                break;
        }
    }

    private static IEnumerable<(string Path, string Key)> Keys(JsonNode? node, string path)
    {
        if (node is JsonObject o)
        {
            foreach (var (key, child) in o)
            {
                yield return (path, key);
                foreach (var k in Keys(child, $"{path}.{key}"))
                {
                    yield return k;
                }
            }
        }
        else if (node is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                foreach (var k in Keys(a[i], $"{path}[{i}]"))
                {
                    yield return k;
                }
            }
        }
    }

    /// <summary>A copy of <paramref name="root"/> with the value at <paramref name="path"/> replaced.</summary>
    private static JsonNode? With(JsonNode root, string path, JsonNode? value)
    {
        if (path == "$")
        {
            return value;
        }

        var copy = root.DeepClone();
        var (parent, last) = Parent(copy, path);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                a[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
                break;
        }

        return copy;
    }

    private static (JsonNode? Parent, string Last) Parent(JsonNode root, string path)
    {
        var steps = Steps(path);
        JsonNode? node = root;
        foreach (var step in steps[..^1])
        {
            node = node is JsonArray a ? a[int.Parse(step, System.Globalization.CultureInfo.InvariantCulture)] : node?[step];
        }

        return (node, steps[^1]);
    }

    private static string[] Steps(string path) =>
        path[1..].Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The sample with the first occurrence of <paramref name="key"/> written twice (first with a null value).</summary>
    private static byte[] DuplicateKey(string sample, string key)
    {
        var quoted = JsonSerializer.Serialize(key) + ":";
        var compact = JsonNode.Parse(sample)!.ToJsonString();
        var at = compact.IndexOf(quoted, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(at < 0 ? compact : compact.Insert(at, quoted + "null,"));
    }
}
