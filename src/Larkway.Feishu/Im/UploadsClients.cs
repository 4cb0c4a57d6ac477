using System.Globalization;
using System.Net.Http.Headers;
using Larkway.Feishu.Http;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Im;

/// <summary>Images: upload (→ <c>image_key</c>) and download (<c>/open-apis/im/v1/images</c>).</summary>
public class ImagesClient
{
    /// <summary>Largest image accepted (10 MB).</summary>
    public const int MaxImageBytes = 10 * 1024 * 1024;

    private const string Images = "/open-apis/im/v1/images";

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ImagesClient()
    {
    }

    internal ImagesClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Uploads an image (JPG, PNG, WEBP, GIF, BMP, ICO, TIFF, HEIC; 1 byte – 10 MB) and returns its <c>image_key</c>.</summary>
    /// <exception cref="FeishuApiException">Empty or over 10 MB (<see cref="FeishuErrorCodes.InvalidRequest"/>, nothing sent), or the platform refused.</exception>
    public virtual async Task<string> UploadAsync(ReadOnlyMemory<byte> image, string fileName, ImageType imageType = ImageType.Message, CancellationToken cancellationToken = default)
    {
        Uploads.CheckSize(image.Length, MaxImageBytes, "image", fileName);
        var form = new MultipartFormDataContent();
        Uploads.AddField(form, "image_type", imageType == ImageType.Avatar ? "avatar" : "message");
        Uploads.AddFile(form, "image", image, Uploads.Name(fileName, "image"));
        var request = new FeishuRequest(HttpMethod.Post, Images, Images) { Content = form };
        var data = await _pipeline.SendAsync(request, FeishuJson.Context.ImageKeyEnvelope, cancellationToken).ConfigureAwait(false);
        return data.ImageKey ?? throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, "The image upload response has no image_key.");
    }

    /// <summary>Uploads an image read from <paramref name="image"/> (read to the end, at most 10 MB).</summary>
    public virtual async Task<string> UploadAsync(Stream image, string fileName, ImageType imageType = ImageType.Message, CancellationToken cancellationToken = default)
    {
        var bytes = await Uploads.ReadAsync(image, MaxImageBytes, "image", fileName, cancellationToken).ConfigureAwait(false);
        return await UploadAsync(bytes, fileName, imageType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads an image this app uploaded with <see cref="ImageType.Message"/>. Dispose the result.</summary>
    public virtual Task<FeishuDownload> DownloadAsync(string imageKey, CancellationToken cancellationToken = default)
    {
        imageKey = Checks.Id(imageKey, nameof(imageKey), "img_v3_…");
        return _pipeline.DownloadAsync(new FeishuRequest(HttpMethod.Get, $"{Images}/{Query.Segment(imageKey)}", Images + "/{image_key}"), cancellationToken);
    }
}

/// <summary>Files: upload (→ <c>file_key</c>) and download (<c>/open-apis/im/v1/files</c>).</summary>
public class FilesClient
{
    /// <summary>Largest file accepted (30 MB).</summary>
    public const int MaxFileBytes = 30 * 1024 * 1024;

    private const string Files = "/open-apis/im/v1/files";

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected FilesClient()
    {
    }

    internal FilesClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// Uploads a file (1 byte – 30 MB) and returns its <c>file_key</c>. <paramref name="duration"/> is the
    /// length of audio/video, sent in milliseconds.
    /// </summary>
    /// <exception cref="FeishuApiException">Empty or over 30 MB (<see cref="FeishuErrorCodes.InvalidRequest"/>, nothing sent), or the platform refused.</exception>
    public virtual async Task<string> UploadAsync(
        ReadOnlyMemory<byte> file, string fileName, FileType fileType, TimeSpan? duration = null, CancellationToken cancellationToken = default)
    {
        Uploads.CheckSize(file.Length, MaxFileBytes, "file", fileName);
        var name = Uploads.Name(fileName, "file");
        var form = new MultipartFormDataContent();
        Uploads.AddField(form, "file_type", Wire(fileType));
        Uploads.AddField(form, "file_name", name);
        if (duration is { } length)
        {
            Uploads.AddField(form, "duration", ((long)length.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        Uploads.AddFile(form, "file", file, name);
        var request = new FeishuRequest(HttpMethod.Post, Files, Files) { Content = form };
        var data = await _pipeline.SendAsync(request, FeishuJson.Context.FileKeyEnvelope, cancellationToken).ConfigureAwait(false);
        return data.FileKey ?? throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, "The file upload response has no file_key.");
    }

    /// <summary>Uploads a file read from <paramref name="file"/> (read to the end, at most 30 MB).</summary>
    public virtual async Task<string> UploadAsync(
        Stream file, string fileName, FileType fileType, TimeSpan? duration = null, CancellationToken cancellationToken = default)
    {
        var bytes = await Uploads.ReadAsync(file, MaxFileBytes, "file", fileName, cancellationToken).ConfigureAwait(false);
        return await UploadAsync(bytes, fileName, fileType, duration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads a file this app uploaded. Dispose the result.</summary>
    public virtual Task<FeishuDownload> DownloadAsync(string fileKey, CancellationToken cancellationToken = default)
    {
        fileKey = Checks.Id(fileKey, nameof(fileKey), "file_v2_…");
        return _pipeline.DownloadAsync(new FeishuRequest(HttpMethod.Get, $"{Files}/{Query.Segment(fileKey)}", Files + "/{file_key}"), cancellationToken);
    }

    internal static string Wire(FileType type) => type switch
    {
        FileType.Opus => "opus",
        FileType.Mp4 => "mp4",
        FileType.Pdf => "pdf",
        FileType.Doc => "doc",
        FileType.Xls => "xls",
        FileType.Ppt => "ppt",
        FileType.Stream => "stream",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown file type."),
    };
}

/// <summary>Shared checks and parts of the two multipart uploads.</summary>
internal static class Uploads
{
    public static void CheckSize(long size, int max, string what, string? fileName)
    {
        if (size == 0)
        {
            throw new FeishuApiException(FeishuErrorCodes.InvalidRequest, $"The {what} '{fileName}' is empty; Feishu does not accept empty uploads.");
        }

        if (size > max)
        {
            throw new FeishuApiException(FeishuErrorCodes.InvalidRequest,
                $"The {what} '{fileName}' is {size:N0} bytes; Feishu accepts at most {max / (1024 * 1024)} MB for a {what}.");
        }
    }

    public static string Name(string? fileName, string what) =>
        string.IsNullOrWhiteSpace(fileName)
            ? throw new ArgumentException($"The {what} needs a file name with its extension, such as report.pdf.", nameof(fileName))
            : Path.GetFileName(fileName);

    // Parameter values quoted as RFC 7578 shows them; .NET leaves plain tokens unquoted otherwise.
    public static void AddField(MultipartFormDataContent form, string name, string value) =>
        form.Add(new StringContent(value), Quote(name));

    public static void AddFile(MultipartFormDataContent form, string name, ReadOnlyMemory<byte> bytes, string fileName)
    {
        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        // A plain ASCII name goes in filename="…" alone; others also get filename*=utf-8''… (RFC 6266).
        var plain = fileName.All(c => char.IsAscii(c) && !char.IsControl(c)) && !fileName.Contains('"', StringComparison.Ordinal);
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
        {
            Name = Quote(name),
            FileName = plain ? Quote(fileName) : fileName,
            FileNameStar = plain ? null : fileName,
        };
        form.Add(content);
    }

    private static string Quote(string value) => "\"" + value + "\"";

    public static async Task<byte[]> ReadAsync(Stream stream, int max, string what, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                CheckSize(buffer.Length, max, what, fileName);
            }
        }

        return buffer.ToArray();
    }
}
