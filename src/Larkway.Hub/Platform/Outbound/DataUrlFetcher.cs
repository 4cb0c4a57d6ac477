using System.Net;
using System.Net.Http.Headers;

namespace Larkway.Hub.Platform.Outbound;

/// <summary>How much a fetch may read and how long it may take, redirects included.</summary>
internal sealed record DataUrlLimits(long MaxBytes, TimeSpan Timeout);

/// <summary>What a URL answered: its bytes and the headers that describe them.</summary>
internal sealed record FetchedUrl(byte[] Bytes, MediaTypeHeaderValue? ContentType, ContentDispositionHeaderValue? ContentDisposition);

/// <summary>A URL from data that gave nothing: refused, failed, too large or too slow. The message says which and what to fix.</summary>
internal sealed class DataUrlException(string message) : Exception(message);

/// <summary>
/// The one way the Hub fetches a URL that data supplied rather than an administrator (an attachment link in a synced
/// table today; a file or image named in a DingTalk or WeCom message tomorrow). Only http and https; every host
/// resolved and connected to only at the public addresses it resolved to (<see cref="OutboundConnector"/>), unless
/// <c>Larkway:Outbound</c> opens it; no proxy, no cookies; redirects followed here, at most
/// <see cref="MaxRedirects"/>, each hop checked the same way; size and time bounded by the caller's limits.
/// </summary>
internal sealed class DataUrlFetcher : IDisposable
{
    /// <summary>Redirects followed before the URL is refused.</summary>
    public const int MaxRedirects = 3;

    private const string Fix = "the Hub fetches only public addresses from synced data — allow the host with Larkway:Outbound:AllowedHosts";

    private readonly HttpClient _http;

    public DataUrlFetcher(OutboundConnector connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        _http = new HttpClient(connector.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan }; // redirects are followed below, hop by hop
    }

    /// <exception cref="DataUrlException">The URL gave no content; the message says why and what to fix.</exception>
    public async Task<FetchedUrl> FetchAsync(string url, DataUrlLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(limits);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !IsWeb(uri))
        {
            throw new DataUrlException($"'{Shorten(url)}' is not an http or https URL; the Hub fetches only those");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limits.Timeout);
        var hop = uri;
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var response = await _http.GetAsync(hop, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if (IsRedirect(response.StatusCode))
                {
                    hop = NextHop(url, hop, response, redirects);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new DataUrlException($"fetching {Shorten(url)} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                }

                var headers = response.Content.Headers;
                if (headers.ContentLength > limits.MaxBytes)
                {
                    throw TooLarge(url, headers.ContentLength.Value, limits);
                }

                var bytes = await ReadAsync(response.Content, url, limits, deadline.Token).ConfigureAwait(false);
                return new FetchedUrl(bytes, headers.ContentType, headers.ContentDisposition);
            }
        }
        catch (HttpRequestException ex) when (OutboundAddressRefusedException.Within(ex) is { } refused)
        {
            throw new DataUrlException(hop == uri
                ? $"{Shorten(url)} resolves to a private address ({refused.Address}, {OutboundAddressPolicy.Describe(refused.Kind)}); {Fix}"
                : $"{Shorten(url)} redirects to {Shorten(hop.ToString())}, which resolves to a private address ({refused.Address}, {OutboundAddressPolicy.Describe(refused.Kind)}); {Fix}");
        }
        catch (HttpRequestException ex)
        {
            throw new DataUrlException($"fetching {Shorten(url)} failed: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DataUrlException($"fetching {Shorten(url)} took longer than {limits.Timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => _http.Dispose();

    private static Uri NextHop(string url, Uri hop, HttpResponseMessage response, int redirects)
    {
        if (response.Headers.Location is not { } location)
        {
            throw new DataUrlException($"fetching {Shorten(url)} answered HTTP {(int)response.StatusCode} without a Location to follow");
        }

        if (redirects == MaxRedirects)
        {
            throw new DataUrlException($"{Shorten(url)} redirects more than {MaxRedirects} times; the Hub follows at most {MaxRedirects}, link the file itself");
        }

        var next = location.IsAbsoluteUri ? location : new Uri(hop, location);
        return IsWeb(next)
            ? next
            : throw new DataUrlException($"{Shorten(url)} redirects to '{Shorten(next.ToString())}', which is not http or https; the Hub fetches only those");
    }

    private static bool IsWeb(Uri uri) => uri.Scheme is "http" or "https";

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static async Task<byte[]> ReadAsync(HttpContent content, string url, DataUrlLimits limits, CancellationToken cancellationToken)
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
                if (buffer.Length > limits.MaxBytes)
                {
                    throw TooLarge(url, buffer.Length, limits);
                }
            }

            return buffer.ToArray();
        }
    }

    private static DataUrlException TooLarge(string url, long size, DataUrlLimits limits) =>
        new($"{Shorten(url)} is {size:N0} bytes or more; at most {limits.MaxBytes:N0} bytes are fetched");

    private static string Shorten(string url) => url.Length > 200 ? url[..200] + "…" : url;
}
