namespace Larkway.Hub.Approvals;

/// <summary>Sizes the approvals API accepts.</summary>
public static class ApprovalLimits
{
    /// <summary>Longest idempotency key.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>Longest approval or instance code.</summary>
    public const int MaxCodeLength = 128;

    /// <summary>Longest open_id, user_id, department or task id.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Longest title.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>Longest reference (the business system's own id).</summary>
    public const int MaxReferenceLength = 200;

    /// <summary>Largest form object, in bytes of JSON.</summary>
    public const int MaxFormBytes = 48 * 1024;
}
