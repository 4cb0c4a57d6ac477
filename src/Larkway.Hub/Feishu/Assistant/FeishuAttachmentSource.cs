using Larkway.Channels.Backends;
using Larkway.Channels.Messages;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Attachments;

namespace Larkway.Hub.Feishu.Assistant;

/// <summary>Feishu's attachments: the message's resource (<c>GET /im/v1/messages/{message_id}/resources/{file_key}</c>), as the app that received it.</summary>
internal sealed class FeishuAttachmentSource(IFeishuClientFactory clients) : IAssistantAttachmentSource
{
    /// <inheritdoc />
    public bool CanFetch(ChannelAttachment attachment) => attachment is { Key.Length: > 0 };

    /// <inheritdoc />
    public async Task<AssistantFile> FetchAsync(string app, string messageId, ChannelAttachment attachment, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var type = attachment.Kind == AttachmentKind.Image ? MessageResourceType.Image : MessageResourceType.File;
        try
        {
            var download = await clients.GetClient(HubAppService.NameInStore(app)).Im.Messages.GetResourceAsync(messageId, attachment.Key, type, cancellationToken).ConfigureAwait(false);
            await using (download.ConfigureAwait(false))
            {
                var name = attachment.Name ?? download.FileName ?? AttachmentBytes.DefaultName(attachment.Kind, download.ContentType);
                var bytes = await AttachmentBytes.ReadAsync(download.Content, download.Length, maxBytes, name, cancellationToken).ConfigureAwait(false);
                return AssistantFile.FromContent(AssistantFile.TypeOf(attachment.Kind, name), name, download.ContentType ?? AttachmentBytes.MediaTypeOf(name), bytes);
            }
        }
        catch (FeishuApiException ex)
        {
            throw new AssistantAttachmentException($"Feishu did not give the {AttachmentBytes.Noun(attachment.Kind)} ({ex.Code}).", ex.IsTransient, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new AssistantAttachmentException($"Feishu could not be reached for the {AttachmentBytes.Noun(attachment.Kind)}.", transient: true, ex);
        }
    }
}
