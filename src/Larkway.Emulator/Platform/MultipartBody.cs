using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Larkway.Emulator.Platform;

/// <summary>One multipart part: raw bytes, and the file name when the client sent one.</summary>
internal sealed record MultipartPart(string Name, string? FileName, byte[] Data, long Length)
{
    public bool Truncated => Length > Data.Length;
}

/// <summary>
/// Reads multipart/form-data section by section, keeping every part's raw bytes whether or not it
/// carries a filename: SDKs such as the official Node one send uploads as a plain field without a
/// filename, which form binding would decode as text and corrupt.
/// </summary>
internal sealed class MultipartBody
{
    private readonly Dictionary<string, MultipartPart> _parts;

    private MultipartBody(Dictionary<string, MultipartPart> parts) => _parts = parts;

    public MultipartPart? Part(string name) => _parts.GetValueOrDefault(name);

    public string? Text(string name) => _parts.TryGetValue(name, out var part) ? Encoding.UTF8.GetString(part.Data) : null;

    /// <param name="maxPartBytes">Bytes kept per part; the rest is drained and only counted.</param>
    public static async Task<MultipartBody> ReadAsync(HttpRequest request, long maxPartBytes, int invalidCode)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw ApiErrorException.BadRequest(invalidCode, "invalid request: multipart/form-data expected");
        }

        try
        {
            return new MultipartBody(await ReadPartsAsync(new MultipartReader(boundary, request.Body), maxPartBytes, request.HttpContext.RequestAborted));
        }
        catch (Exception e) when (e is IOException or InvalidDataException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw ApiErrorException.BadRequest(invalidCode, "invalid request: malformed multipart body (" + e.Message + ")");
        }
    }

    private static async Task<Dictionary<string, MultipartPart>> ReadPartsAsync(MultipartReader reader, long maxPartBytes, CancellationToken cancellationToken)
    {
        var parts = new Dictionary<string, MultipartPart>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } quotedName)
            {
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(quotedName).Value ?? string.Empty;
            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            var (data, length) = await ReadCappedAsync(section.Body, maxPartBytes, cancellationToken);
            parts[name] = new MultipartPart(name, fileName, data, length);
        }

        return parts;
    }

    private static async Task<(byte[] Data, long Length)> ReadCappedAsync(Stream body, long cap, CancellationToken cancellationToken)
    {
        using var kept = new MemoryStream();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var keep = (int)Math.Clamp(cap - total, 0, read);
            kept.Write(buffer, 0, keep);
            total += read;
        }

        return (kept.ToArray(), total);
    }
}
