using System.Text.Json;
using Larkway.DingTalk.Http;

namespace Larkway.DingTalk.Cards;

/// <summary>
/// Interactive cards (permission <c>Card.Instance.Write</c>, and <c>Card.Streaming.Write</c> for AI cards): created from a
/// template built in DingTalk's card platform and delivered into a group or a person's chat with the robot in one call,
/// updated in place, and AI cards streamed as an answer is written.
/// </summary>
public class DingTalkCardsClient
{
    private const string CreateAndDeliverPath = "/v1.0/card/instances/createAndDeliver";
    private const string UpdatePath = "/v1.0/card/instances";
    private const string StreamingPath = "/v1.0/card/streaming";

    private readonly DingTalkPipeline _pipeline = null!;

    internal DingTalkCardsClient(DingTalkPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected DingTalkCardsClient()
    {
    }

    /// <summary>
    /// Creates a card from <paramref name="templateId"/> with <paramref name="data"/> (its variables, as strings) and
    /// delivers it to <paramref name="target"/>. Clicks come back as card callbacks (Stream topic
    /// <c>/v1.0/card/instances/callback</c>). <paramref name="outTrackId"/> is the card's id, chosen by the caller so that
    /// a retried create finds the same card; a new one is made when it is null.
    /// </summary>
    public virtual async Task<DingTalkCardDelivery> CreateAndDeliverAsync(string templateId, DingTalkCardTarget target, IReadOnlyDictionary<string, string> data,
        string? outTrackId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(templateId);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(data);
        var id = string.IsNullOrWhiteSpace(outTrackId) ? "lw-" + Guid.NewGuid().ToString("N") : outTrackId;
        var robotCode = _pipeline.Options.EffectiveRobotCode;
        var body = new CreateAndDeliverRequest(templateId, id, new CardData(data), "STREAM", target.OpenSpaceId, UserIdType: 1,
            GroupSpace: target.IsGroup ? new OpenSpaceModel(true) : null,
            RobotSpace: target.IsGroup ? null : new OpenSpaceModel(true),
            GroupDeliver: target.IsGroup ? new GroupDeliverModel(robotCode, target.Mentions, target.Recipients) : null,
            RobotDeliver: target.IsGroup ? null : new RobotDeliverModel("IM_ROBOT", robotCode));
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, CreateAndDeliverPath, CreateAndDeliverPath)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(body, CardJson.Default.CreateAndDeliverRequest),
            // The caller's outTrackId makes a second create the same card, so a timeout may be retried.
            Idempotent = !string.IsNullOrWhiteSpace(outTrackId),
        };
        var answer = await _pipeline.SendAsync(request, CardJson.Default.CreateAndDeliverAnswer, cancellationToken).ConfigureAwait(false);
        var spaces = (answer.Result?.DeliverResults ?? []).Select(r => new DingTalkCardSpaceResult(r.SpaceType ?? "", r.SpaceId ?? "", r.Success, r.ErrorMsg)).ToArray();
        return new DingTalkCardDelivery(answer.Result?.OutTrackId ?? id, spaces);
    }

    /// <summary>Updates the variables in <paramref name="data"/> of a delivered card, in place (the others keep their values).</summary>
    public virtual Task UpdateAsync(string outTrackId, IReadOnlyDictionary<string, string> data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outTrackId);
        ArgumentNullException.ThrowIfNull(data);
        var request = new DingTalkRequest(HttpMethod.Put, DingTalkHost.Api, UpdatePath, UpdatePath)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(new UpdateCardRequest(outTrackId, new CardData(data), new CardUpdateOptions(true)), CardJson.Default.UpdateCardRequest),
            // Setting the same values twice leaves the same card.
            Idempotent = true,
        };
        return _pipeline.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Creates and delivers an AI card (its template has a streaming variable, <paramref name="contentKey"/>, and
    /// <c>flowStatus</c>) showing "processing", and returns the stream to write the answer into.
    /// </summary>
    public virtual async Task<DingTalkAiCardStream> StartAiCardAsync(string templateId, DingTalkCardTarget target, string contentKey = "content",
        IReadOnlyDictionary<string, string>? data = null, DingTalkAiCardOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentKey);
        var initial = new Dictionary<string, string>(data ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["flowStatus"] = ((int)DingTalkAiCardStatus.Processing).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [contentKey] = "",
        };
        var delivery = await CreateAndDeliverAsync(templateId, target, initial, "lw-ai-" + Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);
        return new DingTalkAiCardStream(this, delivery, contentKey, options ?? new DingTalkAiCardOptions(), _pipeline.TimeProvider, _pipeline.CardStreamingPace);
    }

    /// <summary>
    /// One streaming update (<c>PUT /v1.0/card/streaming</c>): <paramref name="isFull"/> replaces the variable's content
    /// (false appends), <paramref name="isFinalize"/> ends the stream, <paramref name="isError"/> marks it failed.
    /// </summary>
    public virtual Task StreamAsync(string outTrackId, string key, string content, bool isFull, bool isFinalize = false, bool isError = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outTrackId);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(content);
        var request = new DingTalkRequest(HttpMethod.Put, DingTalkHost.Api, StreamingPath, StreamingPath)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(new StreamingRequest(outTrackId, Guid.NewGuid().ToString("N"), key, content, isFull, isFinalize, isError), CardJson.Default.StreamingRequest),
            // A full replace is the same update however often it lands; an append is not.
            Idempotent = isFull,
        };
        return _pipeline.SendAsync(request, cancellationToken);
    }
}
