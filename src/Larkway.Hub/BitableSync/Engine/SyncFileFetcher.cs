using System.Net;
using System.Net.Http.Headers;

namespace Larkway.Hub.BitableSync;

/// <summary>A file an attachment column names by URL, fetched to be uploaded to the base.</summary>
internal sealed record FetchedFile(string Name, byte[] Bytes, bool IsImage);

/// <summary>A URL that gave no file (not found, too big, refused); the message says which and why, for the dead letter.</summary>
internal sealed class SyncFileException(string message) : Exception(message);

/// <summary>
/// Fetches the files an attachment column names by URL (http or https only; at most 20 MB, what one Bitable upload
/// takes). The file's name is the response's <c>Content-Disposition</c> file name, else the URL's last path segment.
/// </summary>
internal sealed class SyncFileFetcher(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "Larkway.BitableFiles";

    /// <summary>Largest file fetched: one <c>upload_all</c> takes 20 MB.</summary>
    public const int MaxBytes = 20 * 1024 * 1024;

    /// <summary>Longest URL kept in the file index.</summary>
    public const int MaxUrlLength = 2048;

    /// <exception cref="SyncFileException">The URL gave no usable file; the message says why.</exception>
    public async Task<FetchedFile> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Length > MaxUrlLength)
        {
            throw new SyncFileException($"'{Shorten(url)}' is not an http or https URL of at most {MaxUrlLength} characters");
        }

        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new SyncFileException($"fetching {Shorten(url)} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > MaxBytes)
            {
                throw TooLarge(url, response.Content.Headers.ContentLength.Value);
            }

            var bytes = await ReadAsync(response.Content, url, cancellationToken).ConfigureAwait(false);
            if (bytes.Length == 0)
            {
                throw new SyncFileException($"{Shorten(url)} is empty; Bitable does not take empty files");
            }

            var isImage = response.Content.Headers.ContentType?.MediaType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true;
            return new FetchedFile(NameOf(uri, response.Content.Headers.ContentDisposition), bytes, isImage);
        }
        catch (HttpRequestException ex)
        {
            throw new SyncFileException($"fetching {Shorten(url)} failed: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SyncFileException($"fetching {Shorten(url)} timed out");
        }
    }

    private static async Task<byte[]> ReadAsync(HttpContent content, string url, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBytes)
                {
                    throw TooLarge(url, buffer.Length);
                }
            }

            return buffer.ToArray();
        }
    }

    private static string NameOf(Uri uri, ContentDispositionHeaderValue? disposition)
    {
        var given = (disposition?.FileNameStar ?? disposition?.FileName)?.Trim('"');
        var name = Path.GetFileName(string.IsNullOrWhiteSpace(given) ? WebUtility.UrlDecode(uri.Segments[^1]) : given);
        return string.IsNullOrWhiteSpace(name) || name == "/" ? "file" : name.Length > 250 ? name[^250..] : name;
    }

    private static SyncFileException TooLarge(string url, long size) =>
        new($"{Shorten(url)} is {size:N0} bytes or more; one Bitable upload takes at most 20 MB");

    private static string Shorten(string url) => url.Length > 200 ? url[..200] + "…" : url;
}
