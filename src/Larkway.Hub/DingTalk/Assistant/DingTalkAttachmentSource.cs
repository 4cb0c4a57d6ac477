using Larkway.Channels.Backends;
using Larkway.Channels.Messages;
using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Attachments;

namespace Larkway.Hub.DingTalk.Assistant;

/// <summary>
/// DingTalk's attachments: the robot message's <c>downloadCode</c> exchanged for a temporary link
/// (<c>POST /v1.0/robot/messageFiles/download</c>), then the link's bytes, as the app whose robot received it. DingTalk
/// gives a robot voice, video and files only in a one-to-one chat with it; in groups, pictures.
/// </summary>
internal sealed class DingTalkAttachmentSource : IAssistantAttachmentSource
{
    private readonly Func<string, CancellationToken, ValueTask<DingTalkClient>> _clientOf;

    /// <summary>Fetches through each app's client.</summary>
    public DingTalkAttachmentSource(HubDingTalkClients clients)
        : this(clients.GetAsync)
    {
    }

    /// <summary>Fetches through the clients <paramref name="clientOf"/> gives by app name (tests give their own).</summary>
    internal DingTalkAttachmentSource(Func<string, CancellationToken, ValueTask<DingTalkClient>> clientOf) => _clientOf = clientOf;

    /// <inheritdoc />
    public bool CanFetch(ChannelAttachment attachment) => attachment is { Key.Length: > 0 };

    /// <inheritdoc />
    public async Task<AssistantFile> FetchAsync(string app, string messageId, ChannelAttachment attachment, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var noun = AttachmentBytes.Noun(attachment.Kind);
        try
        {
            var client = await _clientOf(app, cancellationToken).ConfigureAwait(false);
            var download = await client.Robot.DownloadMessageFileAsync(attachment.Key, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (download.ConfigureAwait(false))
            {
                var name = attachment.Name ?? download.FileName ?? AttachmentBytes.DefaultName(attachment.Kind, download.ContentType);
                var bytes = await AttachmentBytes.ReadAsync(download.Content, download.Length, maxBytes, name, cancellationToken).ConfigureAwait(false);
                return AssistantFile.FromContent(AssistantFile.TypeOf(attachment.Kind, name), name, AttachmentBytes.ContentType(download.ContentType, bytes, name), bytes);
            }
        }
        catch (DingTalkApiException ex)
        {
            throw new AssistantAttachmentException($"DingTalk did not give the {noun} ({ex.Code}).", ex.IsTransient, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new AssistantAttachmentException($"DingTalk could not be reached for the {noun}.", transient: true, ex);
        }
        catch (HubAppNotFoundException ex)
        {
            throw new AssistantAttachmentException($"The DingTalk app that received the {noun} is not available.", transient: false, ex);
        }
    }
}
