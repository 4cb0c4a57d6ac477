using Larkway.Feishu.Im;

namespace Larkway.Feishu.Bitable;

/// <summary>A record search: which records (<see cref="Filter"/>, or a view), in which order, with which fields.</summary>
public sealed record BitableSearch
{
    /// <summary>Search within this view's records and order; ignored by Feishu when <see cref="Filter"/> or <see cref="Sort"/> is set.</summary>
    public string? ViewId { get; init; }

    /// <summary>Return only these fields (at most 200).</summary>
    public IReadOnlyList<string>? FieldNames { get; init; }

    /// <summary>The order (at most 100 entries).</summary>
    public IReadOnlyList<BitableSort>? Sort { get; init; }

    /// <summary>Which records.</summary>
    public BitableFilter? Filter { get; init; }

    /// <summary>Also return who created and last modified each record, and when (<c>automatic_fields</c>).</summary>
    public bool AutomaticFields { get; init; }

    /// <summary>The id kind of people in the answer and in the filter's user values (default open_id).</summary>
    public UserIdType? UserIdType { get; init; }

    internal SearchBody ToWire(string paramName)
    {
        if (FieldNames is { Count: > BitableLimits.MaxSearchFieldNames })
        {
            throw new ArgumentException($"FieldNames has {FieldNames.Count} names; a search selects at most {BitableLimits.MaxSearchFieldNames}.", paramName);
        }

        if (FieldNames?.Any(string.IsNullOrWhiteSpace) == true)
        {
            throw new ArgumentException("FieldNames holds an empty name.", paramName);
        }

        if (Sort is { Count: > BitableLimits.MaxSortEntries })
        {
            throw new ArgumentException($"Sort has {Sort.Count} entries; a search takes at most {BitableLimits.MaxSortEntries}.", paramName);
        }

        if (Sort?.Any(s => s is null || string.IsNullOrWhiteSpace(s.FieldName)) == true)
        {
            throw new ArgumentException("Sort holds an entry without a field name.", paramName);
        }

        Filter?.ThrowIfInvalid(paramName);
        return new SearchBody(
            string.IsNullOrWhiteSpace(ViewId) ? null : ViewId,
            FieldNames?.ToList(),
            Sort?.Select(s => new SortWire(s.FieldName, s.Descending)).ToList(),
            Filter?.ToWire(),
            AutomaticFields ? true : null);
    }
}

/// <summary>Changes to a view: its name, its filter (conditions naming fields by id), its hidden fields, its hierarchy.</summary>
public sealed record BitableViewPatch
{
    /// <summary>The new name (at most 100 characters, no <c>[</c> or <c>]</c>).</summary>
    public string? ViewName { get; init; }

    /// <summary>The view's filter; its conditions name fields by id (<c>fld…</c>), and it has no children.</summary>
    public BitableFilter? Filter { get; init; }

    /// <summary>The ids of the fields to hide (at most 300).</summary>
    public IReadOnlyList<string>? HiddenFields { get; init; }

    /// <summary>The field the view's hierarchy follows.</summary>
    public string? HierarchyFieldId { get; init; }
}

/// <summary>How a record create or update is sent.</summary>
public sealed record BitableWriteOptions
{
    /// <summary>The id kind of people in the cells (default open_id).</summary>
    public UserIdType? UserIdType { get; init; }

    /// <summary>
    /// The idempotency key (a UUID v4) of a create: a resend with the same key creates nothing more. Left null, the client
    /// makes one per call, so its own retries never create twice; give one to make your retries (after a crash, say) safe
    /// too. For a batch it is the key each chunk's key is derived from.
    /// </summary>
    public Guid? ClientToken { get; init; }

    /// <summary>Skip Feishu's read-write consistency check (<c>ignore_consistency_check</c>): faster, for heavy writers.</summary>
    public bool? IgnoreConsistencyCheck { get; init; }
}

/// <summary>How a record is read.</summary>
public sealed record BitableReadOptions
{
    /// <summary>The id kind of people in the answer (default open_id).</summary>
    public UserIdType? UserIdType { get; init; }

    /// <summary>Also return the record's share link.</summary>
    public bool WithSharedUrl { get; init; }

    /// <summary>Also return who created and last modified the record, and when.</summary>
    public bool AutomaticFields { get; init; }
}
