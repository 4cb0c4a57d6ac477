using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Channels.Backends.Dify.Knowledge;

/// <summary>The answer to create-by-text and update-by-text: <c>{"document": {…}, "batch": "…"}</c>.</summary>
internal sealed class KnowledgeWriteAnswer
{
    public DifyKnowledgeDocument? Document { get; set; }

    public string? Batch { get; set; }
}

/// <summary>The answer to indexing-status: <c>{"data": [{…}]}</c>.</summary>
internal sealed class KnowledgeIndexingAnswer
{
    public List<DifyIndexingStatus>? Data { get; set; }
}

/// <summary>The answer to retrieve: <c>{"query": {"content": "…"}, "records": [{"segment": {…}, "score": 0.9}]}</c>; only what the client reads.</summary>
internal sealed class KnowledgeRetrieveAnswer
{
    public List<KnowledgeRetrieveRecord>? Records { get; set; }
}

internal sealed class KnowledgeRetrieveRecord
{
    public KnowledgeSegment? Segment { get; set; }

    public double? Score { get; set; }
}

internal sealed class KnowledgeSegment
{
    public string? Id { get; set; }

    public string? DocumentId { get; set; }

    public string? Content { get; set; }

    public KnowledgeSegmentDocument? Document { get; set; }
}

internal sealed class KnowledgeSegmentDocument
{
    public string? Id { get; set; }

    public string? Name { get; set; }
}

/// <summary>Dify's timestamps: Unix seconds (an integer, or a float in indexing status), null when not set.</summary>
internal sealed class UnixSecondsConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        double seconds;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                seconds = reader.GetDouble();
                break;
            case JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                seconds = parsed;
                break;
            default:
                reader.Skip();
                return null;
        }

        return double.IsFinite(seconds) && Math.Abs(seconds) < 253402300799 ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)) : null;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } instant)
        {
            writer.WriteNumberValue(instant.ToUnixTimeSeconds());
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Source-generated JSON for Dify's knowledge API answers (trim- and AOT-safe), snake_case as Dify names them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DifyDataset))]
[JsonSerializable(typeof(DifyDocumentPage))]
[JsonSerializable(typeof(KnowledgeWriteAnswer))]
[JsonSerializable(typeof(KnowledgeIndexingAnswer))]
[JsonSerializable(typeof(KnowledgeRetrieveAnswer))]
[JsonSerializable(typeof(DifyErrorBody))]
internal sealed partial class KnowledgeJsonContext : JsonSerializerContext;
