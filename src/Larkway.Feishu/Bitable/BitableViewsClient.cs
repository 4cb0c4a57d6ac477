using Larkway.Feishu.Im;

namespace Larkway.Feishu.Bitable;

/// <summary>Views of a table (<c>…/tables/{table_id}/views</c>). Writes are schema writes: 10/s, one at a time per base.</summary>
public class BitableViewsClient
{
    private static readonly string[] ViewTypes = [BitableViewTypes.Grid, BitableViewTypes.Kanban, BitableViewTypes.Gallery, BitableViewTypes.Gantt, BitableViewTypes.Form];
    private readonly BitableCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected BitableViewsClient()
    {
    }

    internal BitableViewsClient(BitableCalls calls) => _calls = calls;

    /// <summary>The table's views (<c>GET …/views</c>), lazily page by page.</summary>
    /// <param name="appToken">The base.</param>
    /// <param name="tableId">The table.</param>
    /// <param name="pageSize">1–100 (Feishu's default is 20).</param>
    /// <param name="userIdType">The id kind of private views' owners.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual FeishuPageable<BitableView> ListAsync(string appToken, string tableId, int? pageSize = null, UserIdType? userIdType = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        var userIds = BitableWireNames.UserIdType(userIdType);
        return _calls.Pages(BitableCalls.Route(BitableCalls.Views, appToken, tableId), BitableCalls.Views, pageSize,
            q => q.Add("user_id_type", userIds), BitableJsonContext.Wire.ViewPageEnvelope, static v => v, cancellationToken);
    }

    /// <summary>Creates a view (<c>POST …/views</c>) of <paramref name="viewType"/> (<see cref="BitableViewTypes"/>; default grid). Not retried.</summary>
    /// <exception cref="ArgumentException">A name Feishu refuses or an unknown view type (nothing sent).</exception>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableViewNameDuplicated"/>, <see cref="FeishuErrorCodes.BitableViewLimit"/>.</exception>
    public virtual async Task<BitableView> CreateAsync(string appToken, string tableId, string viewName, string? viewType = null, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        ViewName(viewName, nameof(viewName));
        if (viewType is not null && !ViewTypes.Contains(viewType, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{viewType}' is not a view type; use one of {string.Join(", ", ViewTypes)}.", nameof(viewType));
        }

        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Post, BitableCalls.Route(BitableCalls.Views, appToken, tableId), BitableCalls.Views, BitableTier.SchemaWrite,
                new ViewCreateBody(viewName, viewType), BitableJsonContext.Wire.ViewCreateBody),
            BitableJsonContext.Wire.ViewEnvelope, cancellationToken).ConfigureAwait(false);
        return View(data, "POST " + BitableCalls.Views);
    }

    /// <summary>A view with its filter, hidden fields and hierarchy (<c>GET …/views/{view_id}</c>).</summary>
    public virtual async Task<BitableView> GetAsync(string appToken, string tableId, string viewId, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        viewId = Checks.Id(viewId, nameof(viewId), "vew…");
        var data = await _calls.SendAsync(
            _calls.Request(HttpMethod.Get, BitableCalls.Route(BitableCalls.View, appToken, tableId, viewId), BitableCalls.View, BitableTier.Read),
            BitableJsonContext.Wire.ViewEnvelope, cancellationToken).ConfigureAwait(false);
        return View(data, "GET " + BitableCalls.View);
    }

    /// <summary>
    /// Changes a view (<c>PATCH …/views/{view_id}</c>): its name, its filter (conditions naming fields by id, no children;
    /// sent as Feishu's <c>filter_info</c> with each value a JSON array in a string), its hidden fields, its hierarchy.
    /// </summary>
    /// <exception cref="ArgumentException">Nothing to change, or a name, filter or field list Feishu would refuse (nothing sent).</exception>
    public virtual async Task<BitableView> PatchAsync(string appToken, string tableId, string viewId, BitableViewPatch patch, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        viewId = Checks.Id(viewId, nameof(viewId), "vew…");
        ArgumentNullException.ThrowIfNull(patch);
        if (patch.ViewName is null && patch.Filter is null && patch.HiddenFields is null && patch.HierarchyFieldId is null)
        {
            throw new ArgumentException("The patch changes nothing; set a name, a filter, hidden fields or a hierarchy field.", nameof(patch));
        }

        if (patch.ViewName is not null)
        {
            ViewName(patch.ViewName, nameof(patch));
        }

        patch.Filter?.ThrowIfInvalid(nameof(patch), forView: true);
        if (patch.HiddenFields is { Count: > BitableLimits.MaxHiddenFields })
        {
            throw new ArgumentException($"HiddenFields has {patch.HiddenFields.Count} ids; a view hides at most {BitableLimits.MaxHiddenFields}.", nameof(patch));
        }

        var property = patch.Filter is null && patch.HiddenFields is null && patch.HierarchyFieldId is null ? null
            : new ViewPropertyWire(patch.Filter?.ToViewWire(), patch.HiddenFields?.ToList(), patch.HierarchyFieldId is null ? null : new HierarchyWire(patch.HierarchyFieldId));
        var data = await _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Patch, BitableCalls.Route(BitableCalls.View, appToken, tableId, viewId), BitableCalls.View, BitableTier.SchemaWrite,
                new ViewPatchBody(patch.ViewName, property), BitableJsonContext.Wire.ViewPatchBody) with { Idempotent = true }, // Sets values: twice is once.
            BitableJsonContext.Wire.ViewEnvelope, cancellationToken).ConfigureAwait(false);
        return View(data, "PATCH " + BitableCalls.View);
    }

    /// <summary>Deletes a view (<c>DELETE …/views/{view_id}</c>); the last view cannot be deleted.</summary>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.BitableLastViewDeleteForbidden"/>.</exception>
    public virtual Task DeleteAsync(string appToken, string tableId, string viewId, CancellationToken cancellationToken = default)
    {
        appToken = BitableCalls.AppToken(appToken);
        tableId = BitableCalls.TableId(tableId);
        viewId = Checks.Id(viewId, nameof(viewId), "vew…");
        return _calls.WriteAsync(appToken,
            _calls.Request(HttpMethod.Delete, BitableCalls.Route(BitableCalls.View, appToken, tableId, viewId), BitableCalls.View, BitableTier.SchemaWrite),
            cancellationToken);
    }

    private static void ViewName(string? name, string paramName)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > BitableLimits.MaxViewNameLength)
        {
            throw new ArgumentException($"A view name has 1–{BitableLimits.MaxViewNameLength} characters (got {name?.Length ?? 0}).", paramName);
        }

        if (name.Contains('[', StringComparison.Ordinal) || name.Contains(']', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The view name '{name}' holds [ or ], which Feishu refuses.", paramName);
        }
    }

    private static BitableView View(ViewData data, string call) => data.View is { ViewId.Length: > 0 } view ? view
        : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of {call} has no view.");
}
