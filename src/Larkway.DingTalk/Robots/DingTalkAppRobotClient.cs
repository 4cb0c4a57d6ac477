using System.Text.Json;
using Larkway.DingTalk.Http;
using Larkway.DingTalk.Json;
using Larkway.Shared.Clients;

namespace Larkway.DingTalk.Robots;

/// <summary>
/// The app's robot (permission <c>qyapi_robot_sendmsg</c>): one-to-one sends to users (batched by 20), group sends,
/// recalls, replies through an inbound message's session webhook, and the files users send it.
/// </summary>
public class DingTalkAppRobotClient
{
    /// <summary>Users per one-to-one batch (DingTalk's limit).</summary>
    public const int MaxUsersPerBatch = 20;

    private const string BatchSendPath = "/v1.0/robot/oToMessages/batchSend";
    private const string GroupSendPath = "/v1.0/robot/groupMessages/send";
    private const string BatchRecallPath = "/v1.0/robot/otoMessages/batchRecall";
    private const string GroupRecallPath = "/v1.0/robot/groupMessages/recall";
    private const string SessionReplyPath = "/robot/sendBySession";
    private const string MessageFileDownloadPath = "/v1.0/robot/messageFiles/download";
    private const string MessageFileLinkTemplate = "(messageFiles download link)";

    private readonly DingTalkPipeline _pipeline = null!;

    internal DingTalkAppRobotClient(DingTalkPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected DingTalkAppRobotClient()
    {
    }

    /// <summary>
    /// Sends <paramref name="message"/> one-to-one to each of <paramref name="userIds"/>, 20 per request. DingTalk answers
    /// HTTP 200 even when it holds some users back for their rate (<c>flowControlledStaffIdList</c>): those are sent again
    /// after a back-off, as many times as the retry options allow; the result names whoever still did not get it.
    /// </summary>
    public virtual async Task<DingTalkRobotSendResult> SendToUsersAsync(IReadOnlyList<string> userIds, DingTalkAppRobotMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        ArgumentNullException.ThrowIfNull(message);
        var distinct = userIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0)
        {
            throw new ArgumentException("Name at least one user id to send to.", nameof(userIds));
        }

        var keys = new List<string>();
        var invalid = new List<string>();
        var pending = distinct;
        var retry = _pipeline.Options.Retry;
        for (var attempt = 0; pending.Length > 0; attempt++)
        {
            var held = new List<string>();
            foreach (var batch in pending.Chunk(MaxUsersPerBatch))
            {
                var answer = await SendBatchAsync(batch, message, cancellationToken).ConfigureAwait(false);
                if (answer.ProcessQueryKey is { Length: > 0 } key)
                {
                    keys.Add(key);
                }

                invalid.AddRange(answer.InvalidStaffIdList ?? []);
                held.AddRange(answer.FlowControlledStaffIdList ?? []);
            }

            pending = [.. held.Distinct(StringComparer.Ordinal)];
            if (pending.Length == 0 || attempt >= retry.MaxRetries)
            {
                break;
            }

            // The users held back did not get the message, so sending to them again cannot duplicate it. The pause is the
            // shared back-off on the retry options (doubling to MaxDelay, jittered when UseJitter is on).
            var delay = Backoff.Delay(attempt, retry.BaseDelay, retry.MaxDelay, retry.UseJitter ? Backoff.DefaultJitter : 0);
            await Task.Delay(delay, _pipeline.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        return new DingTalkRobotSendResult(keys, invalid, pending);
    }

    /// <summary>Sends <paramref name="message"/> to a group the robot is in (<c>openConversationId</c>); returns its process query key.</summary>
    public virtual async Task<string> SendToGroupAsync(string openConversationId, DingTalkAppRobotMessage message, string? coolAppCode = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(openConversationId);
        ArgumentNullException.ThrowIfNull(message);
        var body = new GroupSendRequest(_pipeline.Options.EffectiveRobotCode, openConversationId, message.Key, message.Param, coolAppCode);
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, GroupSendPath, GroupSendPath)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(body, DingTalkJsonContext.Default.GroupSendRequest),
        };
        var answer = await _pipeline.SendAsync(request, DingTalkJsonContext.Default.GroupSendAnswer, cancellationToken).ConfigureAwait(false);
        return answer.ProcessQueryKey ?? throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, $"The answer of POST {GroupSendPath} has no processQueryKey.");
    }

    /// <summary>Recalls one-to-one messages by their process query keys; returns the keys recalled and, for the rest, why not.</summary>
    public virtual Task<DingTalkRecallResult> RecallFromUsersAsync(IReadOnlyList<string> processQueryKeys, CancellationToken cancellationToken = default) =>
        RecallAsync(BatchRecallPath, JsonSerializer.SerializeToUtf8Bytes(new BatchRecallRequest(_pipeline.Options.EffectiveRobotCode, Keys(processQueryKeys)),
            DingTalkJsonContext.Default.BatchRecallRequest), cancellationToken);

    /// <summary>Recalls group messages by their process query keys.</summary>
    public virtual Task<DingTalkRecallResult> RecallFromGroupAsync(string openConversationId, IReadOnlyList<string> processQueryKeys, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(openConversationId);
        return RecallAsync(GroupRecallPath, JsonSerializer.SerializeToUtf8Bytes(new GroupRecallRequest(_pipeline.Options.EffectiveRobotCode, openConversationId, Keys(processQueryKeys)),
            DingTalkJsonContext.Default.GroupRecallRequest), cancellationToken);
    }

    /// <summary>
    /// Whether <paramref name="sessionWebhook"/> is on the app's own old-API host: an http(s) URL whose scheme, host and
    /// port are those of <see cref="DingTalkAppOptions.OapiBaseUrl"/> (DingTalk's <c>https://oapi.dingtalk.com</c>, or an
    /// emulator's). A message names its webhook itself, so whoever can deliver a message could name any other URL.
    /// </summary>
    public virtual bool IsOwnSessionWebhook(string? sessionWebhook)
    {
        var own = _pipeline.Options.OapiBaseUrl;
        return Uri.TryCreate(sessionWebhook, UriKind.Absolute, out var webhook)
            && (webhook.Scheme == Uri.UriSchemeHttps || webhook.Scheme == Uri.UriSchemeHttp)
            && string.Equals(webhook.Scheme, own.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(webhook.IdnHost, own.IdnHost, StringComparison.OrdinalIgnoreCase)
            && webhook.Port == own.Port;
    }

    /// <summary>
    /// Replies in the conversation of <paramref name="inbound"/> through its session webhook (no token; text, markdown and
    /// action cards). The webhook works until <see cref="Stream.DingTalkRobotInboundMessage.SessionWebhookExpiredTime"/>
    /// (about 90 minutes); after that the reply fails before it is sent: use <see cref="SendToUsersAsync"/> or
    /// <see cref="SendToGroupAsync"/> instead. A webhook on another host than the app's
    /// <see cref="DingTalkAppOptions.OapiBaseUrl"/> is refused before anything is sent (<see cref="IsOwnSessionWebhook"/>).
    /// </summary>
    public virtual async Task ReplyAsync(Stream.DingTalkRobotInboundMessage inbound, DingTalkRobotMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(message);
        if (!Uri.TryCreate(inbound.SessionWebhook, UriKind.Absolute, out var webhook) || (webhook.Scheme != Uri.UriSchemeHttps && webhook.Scheme != Uri.UriSchemeHttp))
        {
            throw new DingTalkApiException(DingTalkErrorCodes.InvalidRequest, $"Message {inbound.MessageId} has no session webhook to reply through; send through the app robot instead.");
        }

        if (!IsOwnSessionWebhook(inbound.SessionWebhook))
        {
            // The host only: the webhook's query is its credential.
            throw new DingTalkApiException(DingTalkErrorCodes.InvalidRequest,
                $"The session webhook of message {inbound.MessageId} is on {webhook.Authority}, not on the app's DingTalk host {_pipeline.Options.OapiBaseUrl.Authority}; it is not used: send through the app robot instead.");
        }

        var expires = DateTimeOffset.FromUnixTimeMilliseconds(inbound.SessionWebhookExpiredTime);
        if (inbound.SessionWebhookExpiredTime > 0 && _pipeline.TimeProvider.GetUtcNow() >= expires)
        {
            throw new DingTalkApiException(DingTalkErrorCodes.InvalidRequest,
                $"The session webhook of message {inbound.MessageId} expired at {expires:u}; send through the app robot instead (SendToUsersAsync / SendToGroupAsync).");
        }

        // The session webhook carries its own credential in the query: logged by path only, like a robot's webhook.
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Oapi, SessionReplyPath, SessionReplyPath) { AbsoluteUrl = webhook, Json = message.ToJson(), WithAppToken = false };
        await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The temporary download link of a picture, file, voice or video a user sent the robot
    /// (<c>POST /v1.0/robot/messageFiles/download</c>): <paramref name="downloadCode"/> is the message's
    /// <c>content.downloadCode</c>. The link needs no token. DingTalk delivers voice, files and video to the robot only in
    /// a one-to-one chat with it; in groups (@robot) only pictures and rich text.
    /// </summary>
    /// <param name="downloadCode">The inbound message's download code.</param>
    /// <param name="robotCode">The robot that received the message; the app's <see cref="DingTalkAppOptions.RobotCode"/> when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="DingTalkApiException">DingTalk refused (an unknown or expired download code, another robot's), or answered without a link.</exception>
    public virtual async Task<Uri> GetMessageFileUrlAsync(string downloadCode, string? robotCode = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(downloadCode);
        var body = new MessageFileDownloadRequest(downloadCode, string.IsNullOrEmpty(robotCode) ? _pipeline.Options.EffectiveRobotCode : robotCode);
        // Asking for a link again does no harm: safe to send again after a timeout.
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, MessageFileDownloadPath, MessageFileDownloadPath)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(body, DingTalkJsonContext.Default.MessageFileDownloadRequest),
            Idempotent = true,
        };
        var answer = await _pipeline.SendAsync(request, DingTalkJsonContext.Default.MessageFileDownloadAnswer, cancellationToken).ConfigureAwait(false);
        return Uri.TryCreate(answer.DownloadUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse,
                answer.DownloadUrl is { Length: > 0 } ? $"The downloadUrl of POST {MessageFileDownloadPath} is not an http(s) URL." : $"The answer of POST {MessageFileDownloadPath} has no downloadUrl.");
    }

    /// <summary>
    /// Downloads a picture, file, voice or video a user sent the robot: its link (<see cref="GetMessageFileUrlAsync"/>),
    /// then the bytes, streamed. The link is fetched without the app's token. The result's name is rarely the user's: take
    /// the message's <c>content.fileName</c>. Dispose the result.
    /// </summary>
    /// <exception cref="DingTalkApiException">DingTalk refused the download code, or the link failed.</exception>
    public virtual async Task<DingTalkDownload> DownloadMessageFileAsync(string downloadCode, string? robotCode = null, CancellationToken cancellationToken = default)
    {
        var url = await GetMessageFileUrlAsync(downloadCode, robotCode, cancellationToken).ConfigureAwait(false);
        // The link's query is its credential: logged by path only, never with the token.
        var request = new DingTalkRequest(HttpMethod.Get, DingTalkHost.Api, MessageFileLinkTemplate, MessageFileLinkTemplate) { AbsoluteUrl = url, WithAppToken = false, Idempotent = true };
        return await _pipeline.DownloadAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BatchSendAnswer> SendBatchAsync(string[] batch, DingTalkAppRobotMessage message, CancellationToken cancellationToken)
    {
        var body = new BatchSendRequest(_pipeline.Options.EffectiveRobotCode, batch, message.Key, message.Param);
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, BatchSendPath, BatchSendPath)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(body, DingTalkJsonContext.Default.BatchSendRequest),
        };
        return await _pipeline.SendAsync(request, DingTalkJsonContext.Default.BatchSendAnswer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DingTalkRecallResult> RecallAsync(string path, byte[] json, CancellationToken cancellationToken)
    {
        // Recalling twice does no harm: safe to send again after a timeout.
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, path, path) { Json = json, Idempotent = true };
        var answer = await _pipeline.SendAsync(request, DingTalkJsonContext.Default.RecallAnswer, cancellationToken).ConfigureAwait(false);
        return new DingTalkRecallResult(answer.SuccessResult ?? [], answer.FailedResult ?? new Dictionary<string, string>());
    }

    private static string[] Keys(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.Where(k => !string.IsNullOrWhiteSpace(k)).ToArray();
        return list.Length > 0 ? list : throw new ArgumentException("Name at least one process query key to recall.", nameof(keys));
    }
}

/// <summary>What a one-to-one send did: its process query keys (one per batch, for recalls), the user ids DingTalk did not know, and those it held back for their rate even after retries.</summary>
public sealed record DingTalkRobotSendResult(IReadOnlyList<string> ProcessQueryKeys, IReadOnlyList<string> InvalidUserIds, IReadOnlyList<string> FlowControlledUserIds)
{
    /// <summary>True when every user was sent the message.</summary>
    public bool DeliveredToAll => InvalidUserIds.Count == 0 && FlowControlledUserIds.Count == 0;
}

/// <summary>What a recall did: the keys recalled, and for the others DingTalk's reason.</summary>
public sealed record DingTalkRecallResult(IReadOnlyList<string> Recalled, IReadOnlyDictionary<string, string> Failed);
