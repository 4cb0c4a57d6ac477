using Larkway.Channels.Messages;

namespace Larkway.Channels.Backends;

/// <summary>
/// A file sent with the question: a URL the backend fetches, the id of a file already uploaded to the backend (Dify's
/// <c>/files/upload</c>, for the same user), or the file's bytes, which the backend uploads or inlines itself (Dify
/// uploads them first; an OpenAI-compatible server gets an image inline).
/// </summary>
public sealed record AssistantFile
{
    /// <summary>Dify's file types; an OpenAI-compatible backend reads <see cref="Image"/> only.</summary>
    public const string Image = "image", Document = "document", Audio = "audio", Video = "video", Custom = "custom";

    // Dify's document extensions: anything else that is not a picture, a sound or a film is "custom".
    private static readonly HashSet<string> DocumentExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "txt", "md", "markdown", "mdx", "pdf", "html", "htm", "xlsx", "xls", "doc", "docx", "csv", "eml", "msg", "pptx", "ppt", "xml", "epub", "json", "vtt", "properties",
    };

    private AssistantFile(string type, string? url, string? uploadFileId, string? fileName = null, string? mediaType = null, ReadOnlyMemory<byte> content = default)
    {
        Type = type;
        Url = url;
        UploadFileId = uploadFileId;
        FileName = fileName;
        MediaType = mediaType;
        Content = content;
    }

    /// <summary>Dify's file type: <c>image</c>, <c>document</c>, <c>audio</c>, <c>video</c> or <c>custom</c>.</summary>
    public string Type { get; }

    /// <summary>The file's URL (transfer method <c>remote_url</c>), or null.</summary>
    public string? Url { get; }

    /// <summary>The uploaded file's id (transfer method <c>local_file</c>), or null.</summary>
    public string? UploadFileId { get; }

    /// <summary>The file's name, for a file given by its bytes.</summary>
    public string? FileName { get; }

    /// <summary>The file's media type (<c>image/png</c>), for a file given by its bytes.</summary>
    public string? MediaType { get; }

    /// <summary>The file's bytes; empty unless the file was given by them (<see cref="FromContent"/>).</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>True for a file given by its bytes, which the backend must upload or inline.</summary>
    public bool HasContent => Url is null && UploadFileId is null;

    /// <summary>A file the backend fetches from <paramref name="url"/> (an absolute http(s) URL).</summary>
    /// <param name="type">Dify's file type: <c>image</c>, <c>document</c>, <c>audio</c>, <c>video</c> or <c>custom</c>.</param>
    /// <param name="url">Where the backend fetches it.</param>
    public static AssistantFile FromUrl(string type, Uri url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"A file URL must be an absolute http(s) URL the backend can fetch; got '{url}'.", nameof(url));
        }

        return new AssistantFile(type, url.AbsoluteUri, null);
    }

    /// <summary>A file uploaded to the backend beforehand, by its id.</summary>
    /// <param name="type">Dify's file type: <c>image</c>, <c>document</c>, <c>audio</c>, <c>video</c> or <c>custom</c>.</param>
    /// <param name="uploadFileId">The id the upload answered.</param>
    public static AssistantFile FromUpload(string type, string uploadFileId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(uploadFileId);
        return new AssistantFile(type, null, uploadFileId);
    }

    /// <summary>A file given by its bytes: Dify uploads it for the question's user first; OpenAI-compatible inlines an image.</summary>
    /// <param name="type">Dify's file type (<see cref="TypeOf"/> picks it from an attachment).</param>
    /// <param name="fileName">The file's name, with its extension (Dify checks the type by it).</param>
    /// <param name="mediaType">The media type, <c>image/png</c>; <c>application/octet-stream</c> when unknown.</param>
    /// <param name="content">The bytes (not empty).</param>
    public static AssistantFile FromContent(string type, string fileName, string mediaType, ReadOnlyMemory<byte> content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        if (content.IsEmpty)
        {
            throw new ArgumentException($"The file '{fileName}' is empty: there is nothing to send.", nameof(content));
        }

        return new AssistantFile(type, null, null, fileName, mediaType, content);
    }

    /// <summary>Dify's type for an attachment of <paramref name="kind"/> named <paramref name="fileName"/>.</summary>
    public static string TypeOf(AttachmentKind kind, string? fileName) => kind switch
    {
        AttachmentKind.Image => Image,
        AttachmentKind.Audio => Audio,
        AttachmentKind.Video => Video,
        _ when Path.GetExtension(fileName ?? "").TrimStart('.') is { Length: > 0 } extension && DocumentExtensions.Contains(extension) => Document,
        _ => Custom,
    };
}
