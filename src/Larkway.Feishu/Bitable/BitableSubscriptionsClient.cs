using Larkway.Feishu.Http;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// The drive subscription of a base (<c>/open-apis/drive/v1/files/{file_token}/…?file_type=bitable</c>): record and field
/// change events (<c>drive.file.bitable_record_changed_v1</c>, <c>drive.file.bitable_field_changed_v1</c>) come only for
/// bases subscribed to, one subscription per base. Only the base's owner or a manager may subscribe: add the app to the
/// base through "添加文档应用" first, or Feishu answers <see cref="FeishuErrorCodes.DriveSubscribeForbidden"/>. The app
/// also needs the event's scope for both app and user identity when it subscribes with the tenant token.
/// </summary>
public class BitableSubscriptionsClient
{
    private const string Subscribe = "/open-apis/drive/v1/files/{file_token}/subscribe";
    private const string Status = "/open-apis/drive/v1/files/{file_token}/get_subscribe";
    private const string Cancel = "/open-apis/drive/v1/files/{file_token}/delete_subscribe";

    private readonly BitableCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected BitableSubscriptionsClient()
    {
    }

    internal BitableSubscriptionsClient(BitableCalls calls) => _calls = calls;

    /// <summary>Subscribes to the base's events (<c>POST …/subscribe</c>). Subscribing again is harmless, so it is retried.</summary>
    /// <exception cref="FeishuApiException">
    /// <see cref="FeishuErrorCodes.DriveSubscribeForbidden"/> (not a manager of the base), <see cref="FeishuErrorCodes.DriveSubscribeFileNotFound"/>,
    /// <see cref="FeishuErrorCodes.DriveSubscribeInvalidParameter"/>; <see cref="FeishuErrorCodes.DriveSubscribeFailed"/> is retried.
    /// </exception>
    public virtual Task SubscribeAsync(string appToken, CancellationToken cancellationToken = default) =>
        _calls.Pipeline.SendAsync(_calls.Request(HttpMethod.Post, Path(Subscribe, appToken), Subscribe, BitableTier.None) with { Idempotent = true }, cancellationToken);

    /// <summary>Whether the base is subscribed to (<c>GET …/get_subscribe</c>; 10 a minute).</summary>
    public virtual async Task<bool> IsSubscribedAsync(string appToken, CancellationToken cancellationToken = default)
    {
        try
        {
            var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, Path(Status, appToken), Status, BitableTier.SubscriptionStatus),
                BitableJsonContext.Wire.SubscriptionEnvelope, cancellationToken).ConfigureAwait(false);
            return data.IsSubscribe;
        }
        catch (FeishuApiException ex) when (ex.Code == FeishuErrorCodes.DriveNotSubscribed)
        {
            return false;
        }
    }

    /// <summary>
    /// Cancels the base's subscription (<c>DELETE …/delete_subscribe</c>; 10 a minute). Returns false when it was not
    /// subscribed (<see cref="FeishuErrorCodes.DriveNotSubscribed"/>), so a repeat is harmless.
    /// </summary>
    public virtual async Task<bool> UnsubscribeAsync(string appToken, CancellationToken cancellationToken = default)
    {
        try
        {
            await _calls.Pipeline.SendAsync(_calls.Request(HttpMethod.Delete, Path(Cancel, appToken), Cancel, BitableTier.SubscriptionStatus), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (FeishuApiException ex) when (ex.Code == FeishuErrorCodes.DriveNotSubscribed)
        {
            return false;
        }
    }

    private static string Path(string template, string appToken) =>
        new Query(template.Replace("{file_token}", Query.Segment(BitableCalls.AppToken(appToken)), StringComparison.Ordinal)).Add("file_type", "bitable").ToString();
}
