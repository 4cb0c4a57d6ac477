using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Im;

/// <summary>Image and file upload/download (reference §4.5).</summary>
internal static class UploadEndpoints
{
    public const long MaxImageBytes = 10L * 1024 * 1024;
    public const long MaxFileBytes = 30L * 1024 * 1024;

    private static readonly IReadOnlySet<string> FileTypes = new HashSet<string>(StringComparer.Ordinal) { "opus", "mp4", "pdf", "doc", "xls", "ppt", "stream" };

    public static void MapUploadEndpoints(this IEndpointRouteBuilder routes)
    {
        var im = routes.MapGroup("/open-apis/im/v1").AsOpenApi();
        im.MapPost("images", UploadImageAsync);
        im.MapGet("images/{image_key}", DownloadImage);
        im.MapPost("files", UploadFileAsync);
        im.MapGet("files/{file_key}", DownloadFile);
    }

    private static async Task<IResult> UploadImageAsync(HttpContext context, EmulatorState state)
    {
        var form = await MultipartBody.ReadAsync(context.Request, MaxImageBytes, ErrorCodes.UploadInvalidParameter);
        var imageType = form.Text("image_type");
        if (imageType is not ("message" or "avatar"))
        {
            throw Invalid("invalid image_type: message or avatar");
        }

        var bytes = RequireContent(form.Part("image"), "image", MaxImageBytes);
        var format = ImageFormats.Sniff(bytes) ?? throw new ApiErrorException(400, ErrorCodes.UploadUnknownImageFormat, "Can't recognize the image format: JPEG, PNG, GIF, WEBP or BMP expected");
        var key = Ids.ImageKey();
        state.AddResource(new EmulatorResource(key, ResourceKind.Image, imageType, key + format.Extension, format.ContentType, bytes, context.CallerApp().AppId, state.NowMs()));
        return Envelope.Ok(new { image_key = key });
    }

    private static IResult DownloadImage(HttpContext context, [FromRoute(Name = "image_key")] string imageKey, EmulatorState state)
    {
        // Only images this app uploaded with image_type=message can be downloaded.
        var image = state.FindResource(imageKey);
        return image is { Kind: ResourceKind.Image, Type: "message" } && image.OwnerAppId == context.CallerApp().AppId
            ? Results.File(image.Data.ToArray(), image.ContentType)
            : throw Invalid($"invalid image_key '{imageKey}': not an image this app uploaded with image_type=message");
    }

    private static async Task<IResult> UploadFileAsync(HttpContext context, EmulatorState state)
    {
        var form = await MultipartBody.ReadAsync(context.Request, MaxFileBytes, ErrorCodes.UploadInvalidParameter);
        var fileType = form.Text("file_type") ?? string.Empty;
        if (!FileTypes.Contains(fileType))
        {
            throw Invalid("invalid file_type: one of opus, mp4, pdf, doc, xls, ppt, stream");
        }

        var fileName = form.Text("file_name") ?? string.Empty;
        if (fileName.Length == 0)
        {
            throw Invalid("invalid request: file_name is required");
        }

        int? duration = null;
        if (form.Text("duration") is { Length: > 0 } rawDuration)
        {
            duration = int.TryParse(rawDuration, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms >= 0
                ? ms
                : throw Invalid("invalid duration: milliseconds as a non-negative integer");
        }

        var bytes = RequireContent(form.Part("file"), "file", MaxFileBytes);
        var key = Ids.FileKey();
        state.AddResource(new EmulatorResource(key, ResourceKind.File, fileType, fileName, ContentTypeOf(fileName), bytes, context.CallerApp().AppId, state.NowMs())
        {
            DurationMs = duration,
        });
        return Envelope.Ok(new { file_key = key });
    }

    private static IResult DownloadFile(HttpContext context, [FromRoute(Name = "file_key")] string fileKey, EmulatorState state)
    {
        var file = state.FindResource(fileKey);
        return file is { Kind: ResourceKind.File } && file.OwnerAppId == context.CallerApp().AppId
            ? FileDownload.Attachment(context, file.Data.ToArray(), file.ContentType, file.FileName)
            : throw Invalid($"invalid file_key '{fileKey}': not a file this app uploaded");
    }

    private static byte[] RequireContent(MultipartPart? part, string field, long maxBytes)
    {
        if (part is null)
        {
            throw Invalid($"invalid request: the '{field}' part is required");
        }

        if (part.Length == 0)
        {
            throw new ApiErrorException(400, ErrorCodes.UploadEmpty, "File's size can't be 0");
        }

        return part.Length <= maxBytes
            ? part.Data
            : throw new ApiErrorException(400, ErrorCodes.UploadTooLarge, $"The file size exceeds the limit of {maxBytes / (1024 * 1024)} MB");
    }

    private static string ContentTypeOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".pdf" => "application/pdf",
        ".mp4" => "video/mp4",
        ".opus" => "audio/opus",
        ".txt" => "text/plain",
        ".json" => "application/json",
        ".doc" or ".docx" => "application/msword",
        ".xls" or ".xlsx" => "application/vnd.ms-excel",
        ".ppt" or ".pptx" => "application/vnd.ms-powerpoint",
        _ => "application/octet-stream",
    };

    private static ApiErrorException Invalid(string message) => new(400, ErrorCodes.UploadInvalidParameter, message);
}

/// <summary>Magic-byte sniffing: the content decides the format, never the file name.</summary>
internal static class ImageFormats
{
    public sealed record Format(string ContentType, string Extension);

    public static Format? Sniff(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return new Format("image/jpeg", ".jpg");
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return new Format("image/png", ".png");
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return new Format("image/gif", ".gif");
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return new Format("image/webp", ".webp");
        }

        return data.StartsWith("BM"u8) && data.Length >= 14 ? new Format("image/bmp", ".bmp") : null;
    }
}
