using Larkway.Feishu.Http;

namespace Larkway.Feishu.Im;

/// <summary>Instant messaging: <see cref="Messages"/>, <see cref="Chats"/>, <see cref="ChatMembers"/>, <see cref="Images"/>, <see cref="Files"/>.</summary>
public class ImClient
{
    /// <summary>For mocking.</summary>
    protected ImClient()
    {
        Messages = null!;
        Chats = null!;
        ChatMembers = null!;
        Images = null!;
        Files = null!;
    }

    internal ImClient(FeishuPipeline pipeline)
    {
        Messages = new MessagesClient(pipeline);
        Chats = new ChatsClient(pipeline);
        ChatMembers = new ChatMembersClient(pipeline);
        Images = new ImagesClient(pipeline);
        Files = new FilesClient(pipeline);
    }

    /// <summary>Send, reply, edit, update cards, recall, get and list messages.</summary>
    public virtual MessagesClient Messages { get; }

    /// <summary>List, get, create, update, disband and search chats.</summary>
    public virtual ChatsClient Chats { get; }

    /// <summary>Add, remove and list chat members.</summary>
    public virtual ChatMembersClient ChatMembers { get; }

    /// <summary>Upload and download images.</summary>
    public virtual ImagesClient Images { get; }

    /// <summary>Upload and download files.</summary>
    public virtual FilesClient Files { get; }
}
