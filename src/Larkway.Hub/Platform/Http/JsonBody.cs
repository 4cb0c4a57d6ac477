using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// The one way the Hub's APIs read a request body, after the caller is authenticated (the endpoint filters run first,
/// and no handler binds a body parameter): <see cref="ReadAsync"/> takes at most the route's limit, refusing larger ones
/// before buffering them, and a JSON content type in UTF-8; <see cref="TryReadObject"/> parses strictly — valid UTF-8 and
/// UTF-16 escapes, no duplicate keys, bounded depth, an object at the root — so no later read of a value can throw.
/// </summary>
public static class JsonBody
{
    /// <summary>The APIs' body limit unless a route needs another.</summary>
    public const int DefaultLimit = 64 * 1024;

    /// <summary>Deepest nesting accepted (cards nest far less).</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    /// <summary>The body's bytes, or the problem to answer instead (413, 415, 400), typed so endpoints can return it as one of their results.</summary>
    public static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken, int limit = DefaultLimit)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ContentTypeProblem(request.Headers.ContentType.ToString()) is { } contentType)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type", detail: contentType));
        }

        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        // The server stops reading past the limit too (a chunked body has no length to check first).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + 1L;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? 4096, 1, limit + 1L));
        try
        {
            // The token is checked between reads, never handed to one: Kestrel leaves a body whose read was cancelled
            // "already reading", and then fails to drain it with an error in the log. A reset ends the read by itself.
            int read;
            while ((read = await request.Body.ReadAsync(buffer.GetMemory(4096), CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return (null, TooLarge(limit));
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }
        catch (Exception ex) when (ex is BadHttpRequestException || (ex is IOException && !request.HttpContext.RequestAborted.IsCancellationRequested))
        {
            // Kestrel raises IOException for some broken framing too (an overflowing chunk size).
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unreadable body",
                detail: "The request body could not be read: its framing is broken (a bad chunk, or fewer bytes than Content-Length)."));
        }

        return (buffer.WrittenSpan.ToArray(), null);
    }

    /// <summary>
    /// The body read (<see cref="ReadAsync"/>), parsed strictly (<see cref="TryReadObject"/>) and bound to
    /// <typeparamref name="T"/>; a value of the wrong type is a 400 naming its JSON path, and so are members
    /// <typeparamref name="T"/> does not have (all of them in one answer) unless <paramref name="unknownMembersIgnored"/>.
    /// </summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> type, string expected, CancellationToken cancellationToken, int limit = DefaultLimit, bool unknownMembersIgnored = false)
        where T : class
    {
        var (body, problem) = await ReadAsync(request, cancellationToken, limit).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (!TryReadObject(body, expected, out var root, out var invalid))
        {
            return (null, BadBody(invalid));
        }

        // A member the type does not have is a typo or a misunderstanding, never something to drop silently.
        if (!unknownMembersIgnored && JsonShape.For(type).FindUnknown(root) is { Count: > 0 } unknown)
        {
            return (null, UnknownMembers(unknown));
        }

        try
        {
            return (root.Deserialize(type), null);
        }
        catch (JsonException ex)
        {
            return (null, BadBody($"The value at {ex.Path ?? "$"} has the wrong type. Send a JSON object with {expected}."));
        }
    }

    /// <summary>
    /// One 400 naming every member the body should not hold (from <see cref="JsonShape.FindUnknown(JsonElement)"/>), each
    /// with the known ones, in <c>detail</c> and as <c>errors</c> (field, message) like the APIs' other problems.
    /// </summary>
    public static ProblemHttpResult UnknownMembers(IReadOnlyList<(string Path, string Message)> unknown)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        return FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid request body", unknown);
    }

    /// <summary>A 400 for a body that is not the JSON the endpoint takes.</summary>
    public static ProblemHttpResult BadBody(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request body", detail: detail);

    /// <summary>
    /// The body's root object, or false with <paramref name="problem"/> for anything but strict JSON holding an object;
    /// <paramref name="expected"/> names what the object should hold (e.g. "type, recipients and card").
    /// </summary>
    public static bool TryReadObject(ReadOnlySpan<byte> body, string expected, out JsonElement root, [NotNullWhen(false)] out string? problem)
    {
        root = default;
        if (body.IsEmpty)
        {
            problem = $"The body is empty. Send a JSON object with {expected}.";
            return false;
        }

        if (!Utf8.IsValid(body))
        {
            problem = "The body is not valid UTF-8. Send JSON encoded as UTF-8.";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body.ToArray(), Strict);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            problem = $"The body is not valid JSON: {JsonErrorText.Describe(ex)}. Send a JSON object with {expected}.";
            return false;
        }

        if (UnreadableEscape(body) is { } path)
        {
            root = default;
            problem = $"The string at {path} holds a \\u escape that is no valid UTF-16 (an unpaired surrogate).";
            return false;
        }

        problem = root.ValueKind == JsonValueKind.Object ? null : $"The body must be a JSON object with {expected}.";
        return problem is null;
    }

    /// <summary>Why a Content-Type cannot carry the APIs' JSON, or null when it can (absent is taken as JSON).</summary>
    internal static string? ContentTypeProblem(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type
            || !(type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return $"Send the body as 'Content-Type: application/json' (got '{Shorten(contentType)}').";
        }

        var charset = media.Charset.Value;
        return charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"The body must be UTF-8; charset '{Shorten(charset)}' is not accepted. Send 'Content-Type: application/json' or 'application/json; charset=utf-8'.";
    }

    private static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large",
            detail: $"The body is larger than the {limit / 1024} KB this endpoint accepts.");

    /// <summary>The path of the first string whose <c>\u</c> escapes make no UTF-16, or null (bodies without <c>\u</c> are not scanned).</summary>
    private static string? UnreadableEscape(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return $"byte {reader.TokenStartIndex}";
                }
            }
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
