namespace Larkway.Hub.Platform.DataProtection;

/// <summary>One key of the Data Protection key ring (its XML as Data Protection wrote it), shared by every replica.</summary>
public sealed class HubDataProtectionKeyRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>Data Protection's name for the element (<c>key-{guid}</c>); unique.</summary>
    public string FriendlyName { get; set; } = "";

    /// <summary>The key's XML element.</summary>
    public string Xml { get; set; } = "";

    /// <summary>When it was stored.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
