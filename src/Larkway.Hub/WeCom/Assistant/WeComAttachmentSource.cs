using Larkway.Channels.Backends;
using Larkway.Channels.Messages;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Attachments;
using Larkway.Hub.Platform.Outbound;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;

namespace Larkway.Hub.WeCom.Assistant;

/// <summary>
/// WeCom's attachments, for both kinds of WeCom app. An AI bot's (智能机器人) file is its message's URL (valid 5 minutes,
/// no token) serving it AES-256-CBC encrypted: downloaded through the outbound guard (the URL comes in the message, so
/// only public addresses, or the hosts <c>Larkway:Outbound</c> opens) and decrypted with the message's <c>aeskey</c> — or, for a
/// file that carries none (URL-callback mode), with the app's EncodingAESKey (<see cref="WeComAiBotFiles"/>). A corp
/// app's is a media_id (valid 3 days), downloaded by the app's client (<c>GET /cgi-bin/media/get</c>).
/// </summary>
internal sealed class WeComAttachmentSource(HubAppRegistry apps, HubWeComClients clients, IHttpClientFactory httpClients) : IAssistantAttachmentSource
{
    /// <summary>The HttpClient that downloads AI bot files (a plain GET: the URL is the credential).</summary>
    public const string HttpClientName = "Larkway.Hub.WeCom.AiBotFiles";

    // An encrypted AI bot file is at most this much longer than the file (PKCS#7 padding to 32 bytes).
    private const int EncryptionOverhead = 32;

    /// <inheritdoc />
    /// <remarks>
    /// An AI bot's attachment needs its http(s) URL (its key comes with it, or from the app when fetched — the app is not
    /// known here); an app's needs its media_id (an image's PicUrl beside it is not used).
    /// </remarks>
    public bool CanFetch(ChannelAttachment attachment) =>
        attachment is not null && (IsAiBotFile(attachment) || (attachment.Key is { Length: > 0 } key && !key.Contains("://", StringComparison.Ordinal)));

    /// <inheritdoc />
    public Task<AssistantFile> FetchAsync(string app, string messageId, ChannelAttachment attachment, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return IsAiBotFile(attachment)
            ? FetchAiBotFileAsync(app, attachment, maxBytes, cancellationToken)
            : FetchMediaAsync(app, attachment, maxBytes, cancellationToken);
    }

    /// <summary>An AI bot's file is named by its download URL (the normalizer's Key = Url); an app's by its media_id.</summary>
    internal static bool IsAiBotFile(ChannelAttachment attachment) =>
        attachment.Url is { Length: > 0 } url && string.Equals(attachment.Key, url, StringComparison.Ordinal)
        && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";

    private async Task<AssistantFile> FetchAiBotFileAsync(string app, ChannelAttachment attachment, long maxBytes, CancellationToken cancellationToken)
    {
        var noun = AttachmentBytes.Noun(attachment.Kind);
        var key = attachment.DecryptionKey;
        if (string.IsNullOrEmpty(key))
        {
            // URL-callback mode sends no aeskey: the file is encrypted with the callback's EncodingAESKey.
            key = (await apps.FindAsync(app, cancellationToken).ConfigureAwait(false))?.EncryptKey;
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new AssistantAttachmentException($"WeCom's {noun} came without its key, and the app '{app}' has no EncodingAESKey to decrypt it with.", transient: false);
        }

        var files = new WeComAiBotFiles(httpClients.CreateClient(HttpClientName));
        try
        {
            var download = await files.OpenAsync(attachment.Url!, cancellationToken).ConfigureAwait(false);
            await using (download.ConfigureAwait(false))
            {
                var shownName = attachment.Name ?? download.FileName ?? noun;
                var encrypted = await AttachmentBytes.ReadAsync(download.Content, download.Length, maxBytes, shownName, cancellationToken, EncryptionOverhead).ConfigureAwait(false);
                var bytes = AttachmentBytes.Within(WeComAiBotFiles.Decrypt(encrypted, key), maxBytes, shownName);

                // The encrypted body is served as octet-stream: the file's type is read from the file.
                var mediaType = AttachmentBytes.Sniff(bytes) ?? (download.FileName is { } n && Path.HasExtension(n) ? AttachmentBytes.MediaTypeOf(n) : null);
                var name = attachment.Name ?? (download.FileName is { } given && Path.HasExtension(given) ? given : AttachmentBytes.DefaultName(attachment.Kind, mediaType));
                return AssistantFile.FromContent(AssistantFile.TypeOf(attachment.Kind, name), name, mediaType ?? AttachmentBytes.MediaTypeOf(name), bytes);
            }
        }
        catch (WeComApiException ex) when (OutboundAddressRefusedException.Within(ex) is { } refused)
        {
            // Only a forged message names a private address: WeCom's file links are public. Host and address, never the URL.
            throw new AssistantAttachmentException(
                $"The {noun}'s link names {refused.Host}, which resolves to a private address ({refused.Address}, {OutboundAddressPolicy.Describe(refused.Kind)}); the Hub fetches files only from public addresses — allow a host with Larkway:Outbound:AllowedHosts.",
                transient: false, ex);
        }
        catch (WeComApiException ex)
        {
            throw ex.Code switch
            {
                WeComErrorCodes.FileExpired => new AssistantAttachmentException($"WeCom's link to the {noun} has expired (it lasts {WeComAiBotFiles.UrlValidity.TotalMinutes:0} minutes): send it again.", transient: false, ex),
                WeComErrorCodes.FileDecryptFailed => new AssistantAttachmentException($"WeCom's {noun} could not be decrypted with its key: send it again.", transient: false, ex),
                WeComErrorCodes.NetworkError or WeComErrorCodes.Timeout => new AssistantAttachmentException($"WeCom could not be reached for the {noun}.", transient: true, ex),
                _ => new AssistantAttachmentException($"WeCom did not give the {noun} ({ex.Code}).", ex.IsTransient, ex),
            };
        }
    }

    private async Task<AssistantFile> FetchMediaAsync(string app, ChannelAttachment attachment, long maxBytes, CancellationToken cancellationToken)
    {
        var noun = AttachmentBytes.Noun(attachment.Kind);
        WeComClient client;
        try
        {
            client = await clients.GetAsync(app, cancellationToken).ConfigureAwait(false);
        }
        catch (HubAppNotFoundException ex)
        {
            throw new AssistantAttachmentException($"WeCom's {noun} cannot be fetched: {ex.Message}", transient: false, ex);
        }

        try
        {
            // media/get answers the whole body (the client buffers it; WeCom's media are at most 20 MB): the limit is applied to it here.
            var media = await client.Media.DownloadAsync(attachment.Key, cancellationToken).ConfigureAwait(false);
            var name = attachment.Name ?? (media.FileName is { } given && Path.HasExtension(given) ? given : AttachmentBytes.DefaultName(attachment.Kind, media.ContentType));
            var bytes = AttachmentBytes.Within(media.Content, maxBytes, name);
            return AssistantFile.FromContent(AssistantFile.TypeOf(attachment.Kind, name), name, AttachmentBytes.ContentType(media.ContentType, bytes, name), bytes);
        }
        catch (WeComApiException ex) when (ex.Code == WeComErrorCodes.InvalidMediaId)
        {
            throw new AssistantAttachmentException($"WeCom did not give the {noun} ({ex.Code}): it is kept 3 days; send it again.", transient: false, ex);
        }
        catch (WeComApiException ex) when (ex.Code is WeComErrorCodes.NetworkError or WeComErrorCodes.Timeout)
        {
            throw new AssistantAttachmentException($"WeCom could not be reached for the {noun}.", transient: true, ex);
        }
        catch (WeComApiException ex)
        {
            throw new AssistantAttachmentException($"WeCom did not give the {noun} ({ex.Code}).", ex.IsTransient, ex);
        }
    }
}
