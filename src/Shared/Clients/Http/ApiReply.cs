using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Larkway.Shared.Clients;

/// <summary>
/// One attempt's answer, read whole: status, body, content type, whether the body is a JSON object, and the platform's
/// request id. Each library's reply adds the error it finds in it, in its platform's shape.
/// </summary>
internal abstract class ApiReply(HttpStatusCode status, byte[] body, string? contentType, bool isJson, string? requestId)
{
    public HttpStatusCode Status { get; } = status;

    public byte[] Body { get; } = body;

    public string? ContentType { get; } = contentType;

    /// <summary>True when the body is a JSON object (every documented answer but a download is).</summary>
    public bool IsJson { get; } = isJson;

    /// <summary>The platform's id of the request, where its answer gives one (for support and logs).</summary>
    public string? RequestId { get; } = requestId;

    /// <summary>
    /// The body deserialised as <typeparamref name="T"/>; a body of another shape (or null) is the library's
    /// malformed-response exception, made by <paramref name="malformed"/> from the text saying what was wrong.
    /// </summary>
    protected T Deserialize<T>(JsonTypeInfo<T> info, string what, Func<string, JsonException, Exception> malformed)
    {
        try
        {
            return JsonSerializer.Deserialize(Body, info) ?? throw new JsonException("the body is null");
        }
        catch (JsonException ex)
        {
            throw malformed($"The answer of {what} is not the documented JSON (HTTP {(int)Status}, content type '{ContentType ?? "none"}'): {ex.Message}", ex);
        }
    }
}
