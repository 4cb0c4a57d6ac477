using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Units;

namespace Larkway.Hub.Approvals;

/// <summary>The platform an approval's app is on, and that platform's approvals piece.</summary>
/// <param name="Name">The platform as its unit is named (<c>feishu</c>, <c>dingtalk</c>, <c>wecom</c>): stored with the approval.</param>
/// <param name="Display">The platform as sentences show it (<c>DingTalk</c>).</param>
/// <param name="Piece">Its approvals.</param>
internal sealed record ApprovalPlatform(string Name, string Display, IApprovalPlatform Piece);

/// <summary>
/// Finds the approvals piece for an app: the app's platform (the default app's for none), and the piece that platform's
/// unit supplied. Every call of the room goes through here, so no room code names a platform.
/// </summary>
internal sealed class ApprovalPlatforms(PlatformPieces<IApprovalPlatform> pieces, HubAppRegistry apps)
{
    /// <summary>
    /// The platform of the app named <paramref name="app"/> (null or <c>""</c>: the default app), or why an approval
    /// cannot be made with it — an app the Hub does not have, one disabled, or a platform without approvals — as the
    /// sentence a caller is shown.
    /// </summary>
    public async ValueTask<(ApprovalPlatform? Platform, string? Why)> ForAppAsync(string? app, CancellationToken cancellationToken)
    {
        string platform;
        if (app is null || HubAppRegistry.IsDefault(app))
        {
            platform = HubAppPlatform.Of(null);
        }
        else
        {
            var stored = await apps.FindAsync(app, cancellationToken).ConfigureAwait(false);
            switch (stored)
            {
                case null:
                    return (null, $"The Hub has no app named '{app}'. Use the name of an app added to the Hub (GET /api/v1/apps, or the console's Apps page), or leave 'app' out for the default app.");
                case { Enabled: false }:
                    return (null, $"The app '{app}' is disabled in the Hub; enable it first, or leave 'app' out for the default app.");
                case { Error: { } error }:
                    return (null, $"The app '{app}' cannot be used: {error}");
            }

            platform = HubAppPlatform.Of(stored.Platform);
        }

        return pieces.Find(platform) is { } piece
            ? (new ApprovalPlatform(platform, HubAppPlatform.Display(platform), piece), null)
            : (null, $"Approvals are not available on {HubAppPlatform.Display(platform)} in this Hub: name an app of a platform with approvals ({string.Join(", ", pieces.Platforms.Select(p => HubAppPlatform.Display(p.Name)))}).");
    }

    /// <summary>The piece of a stored approval's platform; throws when that platform no longer supplies one (a Hub started without it).</summary>
    public ApprovalPlatform Of(ApprovalRow approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var name = HubAppPlatform.Of(approval.Platform);
        return pieces.Find(name) is { } piece
            ? new ApprovalPlatform(name, HubAppPlatform.Display(name), piece)
            : throw new InvalidOperationException($"Approval {approval.Id} is on {HubAppPlatform.Display(name)}, whose approvals this Hub does not have.");
    }

    /// <summary>How an approver's card of <paramref name="approval"/> looks on its platform: its name, whether it decides, where it links.</summary>
    public Cards.ApprovalCardPlatform CardOf(ApprovalRow approval)
    {
        var platform = Of(approval);
        return new(platform.Display, platform.Piece.DecidesFromCards, platform.Piece.MentionsInCards,
            approval.InstanceCode is { } instance ? platform.Piece.PageUrl(approval.App ?? "", instance) : null);
    }

    /// <summary>Whether answers about an approval on <paramref name="platform"/> keep the deprecated names (<see cref="IApprovalPlatform.KeepsDeprecatedNames"/>).</summary>
    public bool KeepsDeprecatedNames(string? platform) => pieces.Find(HubAppPlatform.Of(platform))?.KeepsDeprecatedNames ?? false;

    /// <summary>The piece of the platform named <paramref name="platform"/>, or null.</summary>
    public IApprovalPlatform? Find(string platform) => pieces.Find(platform);

    /// <summary>Every platform with approvals, in registration order.</summary>
    public IEnumerable<(string Platform, IApprovalPlatform Piece)> All => pieces.All.Select(p => (p.Platform.Name, p.Piece));
}
