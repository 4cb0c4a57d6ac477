namespace Larkway.Feishu.Bitable;

/// <summary>
/// The documented limits the client checks before sending (platforms-and-streaming.md §(i), feishu-api.md §8). Batch
/// sizes are not here: they are configured (<see cref="BitableOptions"/>), as the documentation has changed them.
/// </summary>
public static class BitableLimits
{
    /// <summary>Characters in one text cell.</summary>
    public const int MaxTextLength = 100_000;

    /// <summary>Characters in a phone number.</summary>
    public const int MaxPhoneLength = 64;

    /// <summary>Options in one multi-select cell.</summary>
    public const int MaxOptionsPerCell = 1000;

    /// <summary>People in one user cell.</summary>
    public const int MaxPeoplePerCell = 1000;

    /// <summary>Files in one attachment cell.</summary>
    public const int MaxAttachmentsPerCell = 100;

    /// <summary>Linked records in one link cell.</summary>
    public const int MaxLinksPerCell = 500;

    /// <summary>Chats in one group cell.</summary>
    public const int MaxChatsPerCell = 10;

    /// <summary>Records a search page holds.</summary>
    public const int MaxSearchPageSize = 500;

    /// <summary>Items a tables, fields or views page holds.</summary>
    public const int MaxListPageSize = 100;

    /// <summary>Conditions in one filter (or one child of it).</summary>
    public const int MaxFilterConditions = 50;

    /// <summary>Values of one filter condition.</summary>
    public const int MaxConditionValues = 10;

    /// <summary>Sort entries of one search.</summary>
    public const int MaxSortEntries = 100;

    /// <summary>Field names one search may select.</summary>
    public const int MaxSearchFieldNames = 200;

    /// <summary>Field ids a view may hide.</summary>
    public const int MaxHiddenFields = 300;

    /// <summary>Characters in a base name.</summary>
    public const int MaxAppNameLength = 255;

    /// <summary>Characters in a table name.</summary>
    public const int MaxTableNameLength = 100;

    /// <summary>Characters in a view name.</summary>
    public const int MaxViewNameLength = 100;

    /// <summary>Record ids one batch get takes (fixed by the endpoint).</summary>
    public const int MaxBatchGet = 100;
}
