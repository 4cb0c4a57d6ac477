namespace Larkway.Channels.Backends;

/// <summary>
/// A file sent with the question (Dify's <c>files[]</c>): either a URL the backend fetches or the id of a file uploaded
/// to the backend beforehand (Dify's <c>/files/upload</c>, for the same user).
/// </summary>
public sealed record AssistantFile
{
    private AssistantFile(string type, string? url, string? uploadFileId)
    {
        Type = type;
        Url = url;
        UploadFileId = uploadFileId;
    }

    /// <summary>Dify's file type: <c>image</c>, <c>document</c>, <c>audio</c>, <c>video</c> or <c>custom</c>.</summary>
    public string Type { get; }

    /// <summary>The file's URL (transfer method <c>remote_url</c>), or null.</summary>
    public string? Url { get; }

    /// <summary>The uploaded file's id (transfer method <c>local_file</c>), or null.</summary>
    public string? UploadFileId { get; }

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
}
