namespace Larkway.Feishu;

/// <summary>
/// Options that change how calls are made, applied with <see cref="FeishuClient.WithOptions"/>
/// (or <see cref="FeishuClient.AsUser"/>) to the calls of the returned client view.
/// </summary>
public sealed record FeishuRequestOptions
{
    /// <summary>
    /// Call as this user (<c>u-…</c> or an OAuth JWT) instead of as the app: the token is sent as is,
    /// no tenant token is fetched, and an invalid user token is reported (not refreshed).
    /// </summary>
    public string? UserAccessToken { get; init; }

    /// <summary>
    /// The caller already holds these calls' message sends to the app's limits (a sender that schedules sends
    /// against <see cref="FeishuClient.RateLimit"/>, say): they skip the client's own rate limiter instead of waiting
    /// in it a second time. Leave it false for sends nobody paces — a bot's replies, one-off messages — or the
    /// platform's limits are exceeded and answered with 429 / 230020.
    /// </summary>
    public bool PacedByCaller { get; init; }

    /// <inheritdoc />
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"FeishuRequestOptions {{ UserAccessToken = {(UserAccessToken is null ? "none" : "***")}, PacedByCaller = {PacedByCaller} }}");
}
