using Larkway.Channels.Messages;
using Microsoft.AspNetCore.StaticFiles;

namespace Larkway.Hub.Assistants.Attachments;

/// <summary>Reading a downloaded attachment within the size limit, and naming it when the platform did not.</summary>
internal static class AttachmentBytes
{
    private static readonly FileExtensionContentTypeProvider MediaTypes = new();

    /// <summary>
    /// All of <paramref name="content"/>, refused as soon as it passes <paramref name="maxBytes"/> (by its announced
    /// length, or while reading), so a large file is never held whole. <paramref name="overhead"/> is how much longer
    /// than the file its stream may be (an encrypted file's padding); the caller checks the file itself once decrypted.
    /// </summary>
    /// <exception cref="AssistantAttachmentException">The file is larger than the limit.</exception>
    public static async Task<byte[]> ReadAsync(Stream content, long? length, long maxBytes, string name, CancellationToken cancellationToken, int overhead = 0)
    {
        var limit = maxBytes + overhead;
        if (length > limit)
        {
            throw TooLarge(name, length.Value - overhead, maxBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(name, buffer.Length + read - overhead, maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return Within(buffer.ToArray(), maxBytes + overhead, name);
    }

    /// <summary><paramref name="bytes"/>, already read whole, when they are a file of at most <paramref name="maxBytes"/>.</summary>
    /// <exception cref="AssistantAttachmentException">The file is empty or larger than the limit.</exception>
    public static byte[] Within(byte[] bytes, long maxBytes, string name) => bytes.Length switch
    {
        0 => throw new AssistantAttachmentException($"{name} is empty.", transient: false),
        var size when size > maxBytes => throw TooLarge(name, size, maxBytes),
        _ => bytes,
    };

    /// <summary>
    /// The media type of a downloaded file: the one the platform announced, unless it is the generic
    /// application/octet-stream (a storage link's, an encrypted body's), then the file's first bytes, then its name.
    /// </summary>
    public static string ContentType(string? announced, ReadOnlySpan<byte> bytes, string name) =>
        announced is { Length: > 0 } type && !type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            ? type
            : Sniff(bytes) ?? MediaTypeOf(name);

    /// <summary>The media type of the common picture formats and PDF, from their first bytes.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x89, 0x50, 0x4E, 0x47, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x47, 0x49, 0x46, 0x38, ..] => "image/gif",
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
        [0x25, 0x50, 0x44, 0x46, ..] => "application/pdf",
        _ => null,
    };

    /// <summary>The media type of a file named <paramref name="name"/>, from its extension.</summary>
    public static string MediaTypeOf(string name) => MediaTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream";

    /// <summary>A name for an attachment the platform gave none, with the extension its media type implies.</summary>
    public static string DefaultName(AttachmentKind kind, string? mediaType) => Noun(kind) + (mediaType?.Split(';')[0].Trim() switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "audio/mpeg" => ".mp3",
        "audio/ogg" or "audio/opus" => ".opus",
        "video/mp4" => ".mp4",
        "application/pdf" => ".pdf",
        _ => kind switch { AttachmentKind.Image => ".png", AttachmentKind.Audio => ".opus", AttachmentKind.Video => ".mp4", _ => "" },
    });

    /// <summary>"image", "file", "audio" or "video".</summary>
    public static string Noun(AttachmentKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>A size as people read it: "812 bytes", "4 KB", "9.5 MB".</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => FormattableString.Invariant($"{bytes / (1024 * 1024.0):0.#} MB"),
        >= 1024 => FormattableString.Invariant($"{bytes / 1024.0:0.#} KB"),
        _ => $"{bytes} bytes",
    };

    /// <summary>The refusal of a file of <paramref name="size"/> bytes (or more) above <paramref name="maxBytes"/>.</summary>
    private static AssistantAttachmentException TooLarge(string name, long size, long maxBytes) =>
        new($"{name} is larger than the {Size(maxBytes)} the assistant takes ({Size(size)} or more).", transient: false);
}
