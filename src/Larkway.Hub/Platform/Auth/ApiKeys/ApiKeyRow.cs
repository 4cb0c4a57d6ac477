using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Platform.Auth.ApiKeys;

/// <summary>A caller's API key: stored as its SHA-256 only, limited to some notification types.</summary>
public sealed class ApiKeyRow
{
    /// <summary>The key's public id (<c>key_…</c>), shown in lists and recorded as the caller.</summary>
    public string Id { get; set; } = "";

    /// <summary>A name for people (the business system it belongs to).</summary>
    public string Name { get; set; } = "";

    /// <summary>SHA-256 of the secret, base64url.</summary>
    public string SecretHash { get; set; } = "";

    /// <summary>Notification types it may send, comma-separated; <c>*</c> for all, <c>prefix.*</c> for a family.</summary>
    public string Types { get; set; } = "";

    /// <summary>When created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When revoked (then refused).</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>How <see cref="ApiKeyRow"/> is stored.</summary>
internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKeyRow>
{
    public void Configure(EntityTypeBuilder<ApiKeyRow> e)
    {
        e.ToTable("api_keys");
        e.HasKey(x => x.Id).HasName("pk_api_keys");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(128).IsRequired();
        e.Property(x => x.SecretHash).HasColumnName("secret_hash").HasMaxLength(64).IsRequired();
        e.Property(x => x.Types).HasColumnName("types").HasMaxLength(2048).IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        e.HasIndex(x => x.SecretHash).IsUnique().HasDatabaseName("ux_api_keys_secret_hash");
    }
}

/// <summary>The API keys' table on the Hub's context, as <c>db.ApiKeys</c>.</summary>
internal static class ApiKeysData
{
    extension(HubDbContext db)
    {
        /// <summary>API keys of business systems (hashed).</summary>
        public DbSet<ApiKeyRow> ApiKeys => db.Set<ApiKeyRow>();
    }
}
