namespace Larkway.Hub.Platform.Storage;

/// <summary>A named value the Hub keeps in its database (never a plaintext secret).</summary>
public sealed class HubSetting
{
    /// <summary>The setting's name, e.g. <c>admin_key_sha256</c>.</summary>
    public required string Name { get; set; }

    /// <summary>The value (hashes are stored, never keys).</summary>
    public required string Value { get; set; }

    /// <summary>When it was last written.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
