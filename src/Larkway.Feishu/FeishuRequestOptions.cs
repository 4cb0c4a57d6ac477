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
}
