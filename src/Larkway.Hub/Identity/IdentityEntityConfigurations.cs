using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Identity;

/// <summary>How <see cref="ClientRow"/> is stored.</summary>
internal sealed class ClientConfiguration : IEntityTypeConfiguration<ClientRow>
{
    public void Configure(EntityTypeBuilder<ClientRow> e)
    {
        e.ToTable("identity_clients");
        e.HasKey(x => x.Id).HasName("pk_identity_clients");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(64);
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(128).IsRequired();
        e.Property(x => x.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.SecretHash).HasColumnName("secret_hash").HasMaxLength(64);
        e.Property(x => x.RedirectUris).HasColumnName("redirect_uris").IsRequired();
        e.Property(x => x.PostLogoutRedirectUris).HasColumnName("post_logout_redirect_uris").IsRequired();
        e.Property(x => x.AllowedScopes).HasColumnName("allowed_scopes").HasMaxLength(512).IsRequired();
        e.Property(x => x.AllowedPeople).HasColumnName("allowed_people").IsRequired();
        e.Property(x => x.AllowedDepartments).HasColumnName("allowed_departments").IsRequired();
        e.Property(x => x.RequirePkce).HasColumnName("require_pkce");
        e.Property(x => x.Enabled).HasColumnName("enabled");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}

/// <summary>How <see cref="SessionRow"/> is stored.</summary>
internal sealed class SessionConfiguration : IEntityTypeConfiguration<SessionRow>
{
    public void Configure(EntityTypeBuilder<SessionRow> e)
    {
        e.ToTable("identity_sessions");
        e.HasKey(x => x.Id).HasName("pk_identity_sessions");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.Amr).HasColumnName("amr").HasMaxLength(64).IsRequired();
        e.Property(x => x.AuthTime).HasColumnName("auth_time");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.EndedAt).HasColumnName("ended_at");
        e.Property(x => x.EndedReason).HasColumnName("ended_reason").HasMaxLength(32);
        e.Property(x => x.RemoteIp).HasColumnName("remote_ip").HasMaxLength(64);
        e.HasIndex(x => x.PersonId).HasDatabaseName("ix_identity_sessions_person");
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_identity_sessions_expires");
    }
}

/// <summary>How <see cref="AuthorizationCodeRow"/> is stored.</summary>
internal sealed class AuthorizationCodeConfiguration : IEntityTypeConfiguration<AuthorizationCodeRow>
{
    public void Configure(EntityTypeBuilder<AuthorizationCodeRow> e)
    {
        e.ToTable("identity_codes");
        e.HasKey(x => x.Hash).HasName("pk_identity_codes");
        e.Property(x => x.Hash).HasColumnName("hash").HasMaxLength(64);
        e.Property(x => x.ClientId).HasColumnName("client_id").HasMaxLength(64).IsRequired();
        e.Property(x => x.SessionId).HasColumnName("session_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.RedirectUri).HasColumnName("redirect_uri").HasMaxLength(2048).IsRequired();
        e.Property(x => x.Scope).HasColumnName("scope").HasMaxLength(512).IsRequired();
        e.Property(x => x.Nonce).HasColumnName("nonce").HasMaxLength(512);
        e.Property(x => x.CodeChallenge).HasColumnName("code_challenge").HasMaxLength(128);
        e.Property(x => x.AuthTime).HasColumnName("auth_time");
        e.Property(x => x.Amr).HasColumnName("amr").HasMaxLength(64).IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.ConsumedAt).HasColumnName("consumed_at");
        e.Property(x => x.GrantId).HasColumnName("grant_id").HasMaxLength(40);
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_identity_codes_expires");
    }
}

/// <summary>How <see cref="GrantRow"/> is stored.</summary>
internal sealed class GrantConfiguration : IEntityTypeConfiguration<GrantRow>
{
    public void Configure(EntityTypeBuilder<GrantRow> e)
    {
        e.ToTable("identity_grants");
        e.HasKey(x => x.Id).HasName("pk_identity_grants");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.ClientId).HasColumnName("client_id").HasMaxLength(64).IsRequired();
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.SessionId).HasColumnName("session_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.Scope).HasColumnName("scope").HasMaxLength(512).IsRequired();
        e.Property(x => x.AuthTime).HasColumnName("auth_time");
        e.Property(x => x.Amr).HasColumnName("amr").HasMaxLength(64).IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        e.Property(x => x.RevokedReason).HasColumnName("revoked_reason").HasMaxLength(32);
        e.HasIndex(x => x.SessionId).HasDatabaseName("ix_identity_grants_session");
        e.HasIndex(x => x.PersonId).HasDatabaseName("ix_identity_grants_person");
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_identity_grants_expires");
    }
}

/// <summary>How <see cref="RefreshTokenRow"/> is stored.</summary>
internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshTokenRow>
{
    public void Configure(EntityTypeBuilder<RefreshTokenRow> e)
    {
        e.ToTable("identity_refresh_tokens");
        e.HasKey(x => x.Hash).HasName("pk_identity_refresh_tokens");
        e.Property(x => x.Hash).HasColumnName("hash").HasMaxLength(64);
        e.Property(x => x.GrantId).HasColumnName("grant_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.ClientId).HasColumnName("client_id").HasMaxLength(64).IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.UsedAt).HasColumnName("used_at");
        e.HasIndex(x => x.GrantId).HasDatabaseName("ix_identity_refresh_tokens_grant");
        e.HasOne<GrantRow>().WithMany().HasForeignKey(x => x.GrantId).HasConstraintName("fk_identity_refresh_tokens_grant").OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>How <see cref="SigningKeyRow"/> is stored.</summary>
internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKeyRow>
{
    public void Configure(EntityTypeBuilder<SigningKeyRow> e)
    {
        e.ToTable("identity_signing_keys");
        e.HasKey(x => x.Id).HasName("pk_identity_signing_keys");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(64);
        e.Property(x => x.Algorithm).HasColumnName("algorithm").HasMaxLength(16).IsRequired();
        e.Property(x => x.PrivateKey).HasColumnName("private_key").IsRequired();
        e.Property(x => x.PublicJwk).HasColumnName("public_jwk").IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.SignFrom).HasColumnName("sign_from");
    }
}
