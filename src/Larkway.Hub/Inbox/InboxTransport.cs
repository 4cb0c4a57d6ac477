using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Hub.Inbox;

/// <summary>
/// How an inbox event arrived, stored as its name in <c>inbox_events.transport</c> (<c>Http</c>, <c>DingtalkStream</c>…)
/// and shown in snake case on the API (<c>dingtalk_stream</c>). Open: each platform's room declares its own transports
/// next to its ingest, so a new platform adds one without touching the inbox. Feishu's two are still declared here, for
/// the stored rows and API that predate the rooms (an unset transport reads as <see cref="Http"/>); Feishu's inbox
/// handler reads their events like any room's.
/// </summary>
[JsonConverter(typeof(InboxTransportJsonConverter))]
public readonly struct InboxTransport : IEquatable<InboxTransport>
{
    private const string HttpName = "Http";
    private readonly string? _name;

    /// <summary>A transport by its stored name: a name of letters and digits, as a C# member is named (at most 32 characters).</summary>
    public InboxTransport(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > 32 || !char.IsAsciiLetterUpper(name[0]) || !name.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"An inbox transport is named like 'DingtalkStream' (letters and digits, a capital first, at most 32): '{name}' is not.", nameof(name));
        }

        _name = name;
    }

    /// <summary>Feishu: an HTTP request to a webhook endpoint (also what an unset transport reads as).</summary>
    public static InboxTransport Http { get; } = new(HttpName);

    /// <summary>Feishu: a data frame of the long connection.</summary>
    public static InboxTransport LongConnection { get; } = new("LongConnection");

    /// <summary>The name stored in <c>inbox_events.transport</c>.</summary>
    public string Name => _name ?? HttpName;

    /// <summary>The name the API shows (<c>long_connection</c>).</summary>
    public string WireName => JsonNamingPolicy.SnakeCaseLower.ConvertName(Name);

    /// <summary>A stored name read back (the rows hold only names a transport was made from).</summary>
    public static InboxTransport Parse(string stored) => new(stored);

    public bool Equals(InboxTransport other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is InboxTransport other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <summary>The stored name, as the enum it replaced wrote itself.</summary>
    public override string ToString() => Name;

    public static bool operator ==(InboxTransport left, InboxTransport right) => left.Equals(right);

    public static bool operator !=(InboxTransport left, InboxTransport right) => !left.Equals(right);
}

/// <summary>Writes a transport as its snake-case name on the API (<c>dingtalk_stream</c>), as the enum's converter did; reads either form.</summary>
internal sealed class InboxTransportJsonConverter : JsonConverter<InboxTransport>
{
    public override InboxTransport Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (string.IsNullOrEmpty(text))
        {
            throw new JsonException("An inbox transport is a string such as \"http\" or \"dingtalk_stream\".");
        }

        // snake_case back to the stored name: dingtalk_stream → DingtalkStream.
        var name = string.Concat(text.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
        try
        {
            return new InboxTransport(name);
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, InboxTransport value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.WireName);
    }
}
