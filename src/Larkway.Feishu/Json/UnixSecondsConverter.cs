using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Feishu.Json;

/// <summary>
/// A Unix time in seconds, as a number or a numeric string (Feishu writes both: <c>join_time</c> is a number, seat
/// <c>start_time</c> a string); 0 or an empty string is no time.
/// </summary>
internal sealed class UnixSecondsConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        long seconds;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when reader.TryGetInt64(out seconds):
                break;
            case JsonTokenType.String when reader.GetString() is not { Length: > 0 }:
                return null;
            case JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out seconds):
                break;
            default:
                throw new JsonException("Expected a Unix time in seconds.");
        }

        return seconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } time)
        {
            writer.WriteNumberValue(time.ToUnixTimeSeconds());
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
