namespace Larkway.Channels.Messages;

/// <summary>What an attachment or a media reply holds.</summary>
public enum AttachmentKind
{
    /// <summary>A picture.</summary>
    Image,

    /// <summary>A file.</summary>
    File,

    /// <summary>A voice message or audio file.</summary>
    Audio,

    /// <summary>A video.</summary>
    Video,
}

/// <summary>
/// A file, image, audio or video sent with a message: the platform's key to download it with (Feishu image_key /
/// file_key, DingTalk downloadCode, WeCom MediaId or the AI bot's download URL).
/// </summary>
/// <param name="Kind">Image, file, audio or video.</param>
/// <param name="Key">The platform's key or id of the resource.</param>
/// <param name="Name">The file's name, when given.</param>
public sealed record ChannelAttachment(AttachmentKind Kind, string Key, string? Name = null)
{
    /// <summary>A direct download URL, when the platform gives one (WeCom image PicUrl, the AI bot's encrypted-file URL).</summary>
    public string? Url { get; init; }

    /// <summary>The key that decrypts the download (WeCom AI bot on the long connection), when there is one.</summary>
    public string? DecryptionKey { get; init; }
}
