using Larkway.Feishu.Im;
using Larkway.Hub.Notifications;

namespace Larkway.Hub.Feishu.Recipients;

/// <summary>Turns a recipient as a caller named it into the id a Feishu message is sent to.</summary>
internal interface IRecipientResolver
{
    /// <summary>
    /// The receive id for the app's bot (<c>""</c>: the default app; open_ids differ per app); throws
    /// <see cref="Larkway.Feishu.FeishuApiException"/> when Feishu cannot say.
    /// </summary>
    ValueTask<ReceiveId> ResolveAsync(string appName, NotificationRecipient recipient, CancellationToken cancellationToken);
}

/// <summary>Sends to every kind of id as given: Feishu's send API takes open_id, user_id, union_id, chat_id and email.</summary>
internal sealed class DirectRecipientResolver : IRecipientResolver
{
    public ValueTask<ReceiveId> ResolveAsync(string appName, NotificationRecipient recipient, CancellationToken cancellationToken) => ValueTask.FromResult(recipient.Type switch
    {
        "email" => ReceiveId.Email(recipient.Value),
        "open_id" => ReceiveId.OpenId(recipient.Value),
        "user_id" => ReceiveId.UserId(recipient.Value),
        "union_id" => ReceiveId.UnionId(recipient.Value),
        "chat_id" => ReceiveId.Chat(recipient.Value),
        _ => throw new InvalidOperationException($"Unknown recipient type '{recipient.Type}'."),
    });
}
