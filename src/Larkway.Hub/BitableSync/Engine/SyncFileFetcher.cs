using System.Net;
using System.Net.Http.Headers;
using Larkway.Hub.Platform.Outbound;

namespace Larkway.Hub.BitableSync;

/// <summary>A file an attachment column names by URL, fetched to be uploaded to the base.</summary>
internal sealed record FetchedFile(string Name, byte[] Bytes, bool IsImage);

/// <summary>A URL that gave no file (not found, too big, refused); the message says which and why, for the dead letter.</summary>
internal sealed class SyncFileException(string message) : Exception(message);

/// <summary>
/// Fetches the files an attachment column names by URL through the Hub's guarded <see cref="DataUrlFetcher"/> (a row's
/// URL is data: only http or https, only public addresses unless <c>Larkway:Outbound</c> opens a host; at most 20 MB,
/// what one Bitable upload takes). The file's name is the response's <c>Content-Disposition</c> file name, else the
/// URL's last path segment.
/// </summary>
internal sealed class SyncFileFetcher(DataUrlFetcher fetcher)
{
    /// <summary>Largest file fetched: one <c>upload_all</c> takes 20 MB.</summary>
    public const int MaxBytes = 20 * 1024 * 1024;

    /// <summary>Longest URL kept in the file index.</summary>
    public const int MaxUrlLength = 2048;

    private static readonly DataUrlLimits Limits = new(MaxBytes, TimeSpan.FromSeconds(60));

    /// <exception cref="SyncFileException">The URL gave no usable file; the message says why.</exception>
    public async Task<FetchedFile> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (url.Length > MaxUrlLength)
        {
            throw new SyncFileException($"'{url[..200]}…' is longer than {MaxUrlLength} characters");
        }

        FetchedUrl fetched;
        try
        {
            fetched = await fetcher.FetchAsync(url, Limits, cancellationToken).ConfigureAwait(false);
        }
        catch (DataUrlException ex)
        {
            throw new SyncFileException(ex.Message);
        }

        if (fetched.Bytes.Length == 0)
        {
            throw new SyncFileException($"{url} is empty; Bitable does not take empty files");
        }

        var isImage = fetched.ContentType?.MediaType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true;
        return new FetchedFile(NameOf(new Uri(url), fetched.ContentDisposition), fetched.Bytes, isImage);
    }

    private static string NameOf(Uri uri, ContentDispositionHeaderValue? disposition)
    {
        var given = (disposition?.FileNameStar ?? disposition?.FileName)?.Trim('"');
        var name = Path.GetFileName(string.IsNullOrWhiteSpace(given) ? WebUtility.UrlDecode(uri.Segments[^1]) : given);
        return string.IsNullOrWhiteSpace(name) || name == "/" ? "file" : name.Length > 250 ? name[^250..] : name;
    }
}
