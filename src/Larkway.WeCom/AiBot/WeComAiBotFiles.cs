using System.Net;
using System.Security.Cryptography;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// The images and files users send an AI bot (<see cref="WeComAiBotFileRef"/>): a plain GET of the message's URL (no
/// token; WeCom keeps it valid 5 minutes) answers the file encrypted with AES-256-CBC — the key the base64 of
/// <c>aesKey</c>, the IV its first 16 bytes, PKCS#7 padding to 32-byte blocks. On the long connection each
/// file carries its own <see cref="WeComAiBotFileRef.AesKey"/>; in URL-callback mode it has none and the key is the
/// bot's EncodingAESKey (43 characters: the same base64 without its <c>=</c>, which is read either way). The URL, the key
/// and the bytes are never logged or put in an exception's message.
/// </summary>
/// <example>
/// <code>
/// var files = new WeComAiBotFiles(httpClient);
/// var image = message.Image!;
/// var file = await files.DownloadAsync(image.Url, image.AesKey ?? encodingAesKey, cancellationToken: ct);
/// await File.WriteAllBytesAsync(file.FileName ?? "image", file.Content, ct);
/// </code>
/// </example>
/// <param name="httpClient">Sends the GET; its timeout bounds the download.</param>
public class WeComAiBotFiles(HttpClient httpClient)
{
    /// <summary>How long WeCom keeps a message's file URL valid.</summary>
    public static readonly TimeSpan UrlValidity = TimeSpan.FromMinutes(5);

    /// <summary>The largest file <see cref="DownloadAsync"/> takes unless told otherwise: 20 MB, WeCom's limit for a file.</summary>
    public const long DefaultMaxBytes = 20L * 1024 * 1024;

    // WeCom pads to a multiple of 32 bytes, so the ciphertext is at most this much longer than the file.
    private const int MaxPad = 32;

    /// <summary>For mocking.</summary>
    protected WeComAiBotFiles()
        : this(null!)
    {
    }

    /// <summary>Downloads and decrypts a file a user sent.</summary>
    /// <param name="url">The file's <see cref="WeComAiBotFileRef.Url"/>.</param>
    /// <param name="aesKey">The file's <see cref="WeComAiBotFileRef.AesKey"/>, or the bot's EncodingAESKey in URL-callback mode.</param>
    /// <param name="maxBytes">A larger file is refused while it is read, never held whole.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="WeComApiException">The URL is unknown or expired (<see cref="WeComErrorCodes.FileExpired"/>); the file is
    /// larger than <paramref name="maxBytes"/> (<see cref="WeComErrorCodes.FileTooLarge"/>); it does not decrypt with the key
    /// (<see cref="WeComErrorCodes.FileDecryptFailed"/>); or WeCom could not be reached (transient).</exception>
    public virtual async Task<WeComAiBotFile> DownloadAsync(string url, string aesKey, long maxBytes = DefaultMaxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(aesKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var download = await OpenAsync(url, cancellationToken).ConfigureAwait(false);
        await using (download.ConfigureAwait(false))
        {
            var limit = maxBytes + MaxPad;
            if (download.Length > limit)
            {
                throw TooLarge(maxBytes);
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            try
            {
                while ((read = await download.Content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > limit)
                    {
                        throw TooLarge(maxBytes);
                    }

                    buffer.Write(chunk, 0, read);
                }
            }
            catch (IOException ex)
            {
                throw new WeComApiException(WeComErrorCodes.NetworkError, "The connection broke while the AI bot file was read.", innerException: ex);
            }

            var content = Decrypt(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), aesKey);
            return content.Length > maxBytes
                ? throw TooLarge(maxBytes)
                : new WeComAiBotFile(content, download.FileName, download.ContentType);
        }
    }

    /// <summary>
    /// The encrypted file, streamed as WeCom sends it, for a caller that reads it within its own limit and then
    /// <see cref="Decrypt"/>s it. Dispose it.
    /// </summary>
    /// <exception cref="WeComApiException">The URL is unknown or expired, refused, or WeCom could not be reached.</exception>
    public virtual async Task<WeComAiBotEncryptedFile> OpenAsync(string url, CancellationToken cancellationToken = default)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new WeComApiException(WeComErrorCodes.InvalidRequest, "An AI bot file is downloaded from its message's url (an absolute http or https URL).");
        }

        HttpResponseMessage response;
        try
        {
            response = await httpClient.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            // The exception's own message may name the URL; only the host is said here.
            throw new WeComApiException(WeComErrorCodes.NetworkError, $"Could not reach {uri.Host} for an AI bot file ({ex.HttpRequestError}).", ex.StatusCode, innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WeComApiException(WeComErrorCodes.Timeout, $"{uri.Host} did not answer in time for an AI bot file.", innerException: ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw status is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.Forbidden
                ? new WeComApiException(WeComErrorCodes.FileExpired, $"The AI bot file's URL is unknown or expired (HTTP {(int)status}); WeCom keeps it valid {UrlValidity.TotalMinutes:0} minutes.", status)
                : new WeComApiException(status >= HttpStatusCode.InternalServerError ? WeComErrorCodes.NetworkError : WeComErrorCodes.InvalidRequest,
                    $"{uri.Host} answered HTTP {(int)status} for an AI bot file.", status);
        }

        try
        {
            var headers = response.Content.Headers;
            var name = headers.ContentDisposition?.FileNameStar ?? headers.ContentDisposition?.FileName?.Trim('"');
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new WeComAiBotEncryptedFile(response, stream, headers.ContentLength, string.IsNullOrWhiteSpace(name) ? null : name, headers.ContentType?.MediaType);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decrypts a file as WeCom encrypts it: AES-256-CBC with the 32 bytes of base64 <paramref name="aesKey"/> (the
    /// trailing <c>=</c> may be left out, as in an EncodingAESKey), the IV their first 16, PKCS#7 padding of 1 to 32 bytes.
    /// </summary>
    /// <exception cref="WeComApiException"><see cref="WeComErrorCodes.FileDecryptFailed"/>: the key is not 32 bytes of base64,
    /// the ciphertext is not whole AES blocks, or the padding is invalid (the key is not the file's).</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> encrypted, string aesKey)
    {
        ArgumentNullException.ThrowIfNull(aesKey);
        var key = KeyBytes(aesKey);
        if (encrypted.Length == 0 || encrypted.Length % 16 != 0)
        {
            throw DecryptFailed($"the file is {encrypted.Length} bytes, not whole 16-byte AES blocks (is it the encrypted file?)");
        }

        using var aes = Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(encrypted, key.AsSpan(0, 16), PaddingMode.None);
        var pad = plain[^1];
        if (pad is < 1 or > MaxPad || pad > plain.Length || plain.AsSpan(plain.Length - pad).ContainsAnyExcept(pad))
        {
            CryptographicOperations.ZeroMemory(plain);
            throw DecryptFailed("its padding is invalid — the key is not the one it was encrypted with (the message's aeskey on the long connection, the bot's EncodingAESKey in URL-callback mode)");
        }

        return plain.AsSpan(0, plain.Length - pad).ToArray();
    }

    private static byte[] KeyBytes(string aesKey)
    {
        var text = aesKey.Trim();
        text += new string('=', (4 - (text.Length % 4)) % 4);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw DecryptFailed("the key is not base64 (give the message's aeskey, or the bot's 43-character EncodingAESKey)");
        }

        return key.Length == 32 ? key : throw DecryptFailed($"the key is {key.Length} bytes, not the 32 of AES-256");
    }

    private static WeComApiException DecryptFailed(string why) => new(WeComErrorCodes.FileDecryptFailed, "The AI bot file could not be decrypted: " + why + ".");

    private static WeComApiException TooLarge(long maxBytes) =>
        new(WeComErrorCodes.FileTooLarge, $"The AI bot file is larger than the {maxBytes} bytes allowed; it was not read whole.");
}

/// <summary>A decrypted file a user sent an AI bot.</summary>
/// <param name="Content">The file's bytes.</param>
/// <param name="FileName">Its name from the answer's Content-Disposition, when given.</param>
/// <param name="ContentType">The answer's media type (of the encrypted body: often application/octet-stream).</param>
public sealed record WeComAiBotFile(byte[] Content, string? FileName, string? ContentType);

/// <summary>An AI bot file as WeCom sends it, still encrypted, read as it arrives (<see cref="WeComAiBotFiles.OpenAsync"/>).</summary>
public sealed class WeComAiBotEncryptedFile : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;

    internal WeComAiBotEncryptedFile(HttpResponseMessage response, Stream content, long? length, string? fileName, string? contentType)
    {
        _response = response;
        Content = content;
        Length = length;
        FileName = fileName;
        ContentType = contentType;
    }

    /// <summary>The encrypted bytes; decrypt them whole with <see cref="WeComAiBotFiles.Decrypt"/>.</summary>
    public Stream Content { get; }

    /// <summary>The encrypted length WeCom announced, if it did (up to 32 bytes more than the file).</summary>
    public long? Length { get; }

    /// <summary>The file's name from Content-Disposition, when given.</summary>
    public string? FileName { get; }

    /// <summary>The answer's media type.</summary>
    public string? ContentType { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }
}
