namespace Larkway.Feishu;

/// <summary>
/// Keeps the latest <c>app_ticket</c> the platform pushes (hourly) to a store app, so that the
/// store-app token flow can exchange it for an app_access_token.
/// </summary>
/// <remarks>
/// Design room only: the store-app flow (<see cref="FeishuAppType.Store"/>) is not implemented yet.
/// Self-built apps never need a ticket. An event receiver would call <see cref="SetAsync"/>.
/// </remarks>
public interface IAppTicketStore
{
    /// <summary>The latest ticket for <paramref name="appId"/>, or null when none has arrived yet.</summary>
    ValueTask<string?> GetAsync(string appId, CancellationToken cancellationToken = default);

    /// <summary>Stores the ticket just received for <paramref name="appId"/>.</summary>
    ValueTask SetAsync(string appId, string ticket, CancellationToken cancellationToken = default);
}
