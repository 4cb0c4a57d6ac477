using System.Net.Http.Headers;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;
using Larkway.WeCom.Messages;

namespace Larkway.WeCom.Media;

/// <summary>The kinds of temporary media, with WeCom's size limits.</summary>
public enum WeComMediaType
{
    /// <summary>JPG or PNG, at most 10 MB.</summary>
    Image,

    /// <summary>AMR, at most 2 MB and 60 s.</summary>
    Voice,

    /// <summary>MP4, at most 10 MB.</summary>
    Video,

    /// <summary>Any file, at most 20 MB.</summary>
    File,
}

/// <summary>Temporary media (<c>/cgi-bin/media/upload</c>, <c>/cgi-bin/media/get</c>): a media_id lives 3 days and is shared by the corp's apps.</summary>
public class WeComMediaClient
{
    internal const string UploadPath = "/cgi-bin/media/upload";
    internal const string GetPath = "/cgi-bin/media/get";

    private readonly WeComPipeline _pipeline = null!;

    internal WeComMediaClient(WeComPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected WeComMediaClient()
    {
    }

    /// <summary>The size limit of <paramref name="type"/>, in bytes.</summary>
    public static long MaxBytes(WeComMediaType type) => type switch
    {
        WeComMediaType.Image => 10L * 1024 * 1024,
        WeComMediaType.Voice => 2L * 1024 * 1024,
        WeComMediaType.Video => 10L * 1024 * 1024,
        _ => 20L * 1024 * 1024,
    };

    /// <summary>Uploads <paramref name="content"/> as temporary media; <paramref name="fileName"/> is what recipients see.</summary>
    /// <exception cref="WeComApiException">The file is too small (5 bytes or fewer) or too large for its type (nothing sent), or WeCom refused.</exception>
    public virtual async Task<WeComUploadedMedia> UploadAsync(WeComMediaType type, string fileName, ReadOnlyMemory<byte> content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        CheckSize(type, content.Length, fileName);
        var wireType = Wire(type);
        var bytes = content.ToArray();
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, $"{UploadPath}?type={wireType}", UploadPath)
            {
                Content = () => Multipart(fileName, bytes, contentType),
                // An upload creates only a media_id nobody holds yet: sending it again is harmless.
                Idempotent = true,
            },
            WeComJsonContext.Default.UploadAnswer,
            cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(answer.MediaId))
        {
            throw new WeComApiException(WeComErrorCodes.MalformedResponse, $"The answer of POST {UploadPath} has no media_id.");
        }

        return new WeComUploadedMedia(answer.MediaId, answer.Type ?? wireType, ParseCreatedAt(answer.CreatedAt));
    }

    /// <summary>Downloads temporary media (an upload, or a member's image / voice / video / file message).</summary>
    /// <exception cref="WeComApiException">WeCom refused (40007 for an unknown or expired media_id).</exception>
    public virtual async Task<WeComDownloadedMedia> DownloadAsync(string mediaId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaId);
        var reply = await _pipeline.SendForReplyAsync(
            new WeComRequest(HttpMethod.Get, $"{GetPath}?media_id={Uri.EscapeDataString(mediaId)}", GetPath) { Idempotent = true, BinaryAnswer = true },
            cancellationToken).ConfigureAwait(false);
        return new WeComDownloadedMedia(reply.Body, reply.ContentType, reply.FileName);
    }

    internal static void CheckSize(WeComMediaType type, long length, string fileName)
    {
        if (length <= 5)
        {
            throw Limits.Invalid($"'{fileName}' is {length} bytes; WeCom takes files of more than 5 bytes.");
        }

        var max = MaxBytes(type);
        if (length > max)
        {
            throw Limits.Invalid($"'{fileName}' is {length / 1024.0 / 1024.0:0.##} MB; a {Wire(type)} may be at most {max / 1024 / 1024} MB.{(type == WeComMediaType.Image ? " Send a larger picture as a file." : "")}");
        }
    }

    internal static string Wire(WeComMediaType type) => type switch
    {
        WeComMediaType.Image => "image",
        WeComMediaType.Voice => "voice",
        WeComMediaType.Video => "video",
        WeComMediaType.File => "file",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a WeCom media type."),
    };

    /// <summary>The multipart body WeCom documents: one part named "media" with filename, filelength and content type.</summary>
    internal static MultipartFormDataContent Multipart(string fileName, byte[] bytes, string? contentType)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/octet-stream");
        var disposition = new ContentDispositionHeaderValue("form-data") { Name = "\"media\"", FileName = "\"" + fileName.Replace("\"", "", StringComparison.Ordinal) + "\"" };
        disposition.Parameters.Add(new NameValueHeaderValue("filelength", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        file.Headers.ContentDisposition = disposition;
        form.Add(file);
        return form;
    }

    internal static DateTimeOffset? ParseCreatedAt(string? createdAt) =>
        long.TryParse(createdAt, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}

/// <summary>An uploaded temporary media.</summary>
/// <param name="MediaId">Its id (valid 3 days).</param>
/// <param name="Type">image, voice, video or file.</param>
/// <param name="CreatedAt">When WeCom stored it.</param>
public sealed record WeComUploadedMedia(string MediaId, string Type, DateTimeOffset? CreatedAt);

/// <summary>A downloaded media.</summary>
/// <param name="Content">The bytes.</param>
/// <param name="ContentType">Their media type, as WeCom gave it.</param>
/// <param name="FileName">The file name of Content-Disposition, when given.</param>
public sealed record WeComDownloadedMedia(byte[] Content, string? ContentType, string? FileName);
