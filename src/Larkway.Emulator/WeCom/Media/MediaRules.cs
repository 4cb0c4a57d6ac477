using Larkway.Emulator.WeCom.Platform;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.WeCom.Media;

/// <summary>
/// 上传的媒体文件限制 (document 91054): every file over 5 bytes; image ≤ 10 MB JPG/PNG, voice ≤ 2 MB AMR, video ≤ 10 MB MP4,
/// file ≤ 20 MB. The format is read from the bytes, not the name. The form field is "media".
/// </summary>
internal static class MediaRules
{
    public const int MinBytes = 6;

    public static readonly IReadOnlyDictionary<string, long> MaxBytes = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["image"] = 10L * 1024 * 1024,
        ["voice"] = 2L * 1024 * 1024,
        ["video"] = 10L * 1024 * 1024,
        ["file"] = 20L * 1024 * 1024,
    };

    /// <summary>Reads the "media" part of a multipart upload and checks it against <paramref name="type"/>'s rules.</summary>
    public static async Task<(string FileName, string ContentType, byte[] Data)> ReadAsync(HttpRequest request, string? type, IReadOnlyCollection<string> types)
    {
        if (type is null || !types.Contains(type))
        {
            throw WeComException.Of(WeComCodes.InvalidType, $"type must be one of {string.Join(", ", types)}");
        }

        if (!request.HasFormContentType)
        {
            throw WeComException.Of(WeComCodes.EmptyMedia, "upload the file as multipart/form-data in a part named \"media\" with a filename");
        }

        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        var file = form.Files.GetFile("media") ?? throw WeComException.Of(WeComCodes.EmptyMedia, "the multipart body has no part named \"media\" with a filename");
        if (file.Length < MinBytes)
        {
            throw WeComException.Of(WeComCodes.InvalidFileSize, "every file must be larger than 5 bytes");
        }

        if (file.Length > MaxBytes[type])
        {
            var code = type switch { "image" => WeComCodes.InvalidImageSize, "video" => WeComCodes.InvalidVideoSize, _ => WeComCodes.InvalidFileSize };
            throw WeComException.Of(code, $"{type} files are at most {MaxBytes[type] / (1024 * 1024)} MB; this one is {file.Length} bytes");
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var data = buffer.ToArray();
        var format = Format(data);
        var allowed = type switch { "image" => format is "jpg" or "png", "voice" => format == "amr", "video" => format == "mp4", _ => true };
        if (!allowed)
        {
            throw WeComException.Of(WeComCodes.InvalidMediaType, type switch
            {
                "image" => "image media must be JPG or PNG",
                "voice" => "voice media must be AMR",
                _ => "video media must be MP4",
            });
        }

        var name = string.IsNullOrWhiteSpace(file.FileName) ? "media" : Path.GetFileName(file.FileName);
        var contentType = format switch
        {
            "jpg" => "image/jpeg",
            "png" => "image/png",
            "amr" => "voice/amr",
            "mp4" => "video/mp4",
            _ => string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType,
        };
        return (name, contentType, data);
    }

    private static string? Format(ReadOnlySpan<byte> data) =>
        data.StartsWith((byte[])[0xFF, 0xD8, 0xFF]) ? "jpg"
        : data.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47]) ? "png"
        : data.StartsWith("#!AMR"u8) ? "amr"
        : data.Length > 8 && data[4..8].SequenceEqual("ftyp"u8) ? "mp4"
        : null;
}
