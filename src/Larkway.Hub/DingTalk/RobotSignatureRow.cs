using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// One outgoing-robot signature the Hub verified (<c>dingtalk_robot_signatures</c>): who signed it and its signed
/// timestamp, the key that makes each signature usable once, and its body's hash, so a re-send of the same delivery is
/// told apart from a replay with another body. Kept until the timestamp is past DingTalk's hour
/// (<see cref="RobotSignatureRetention"/>).
/// </summary>
public sealed class RobotSignatureRow
{
    /// <summary>
    /// Who signed: <see cref="RobotSigner.Of"/> of the AppSecret, not the Hub app's name — two stored apps with one
    /// AppSecret verify the same signatures, so they share one record of them. Derived with the secret as the key, so the
    /// column tells nothing about the secret.
    /// </summary>
    public required byte[] Signer { get; set; }

    /// <summary>
    /// The <c>timestamp</c> header, milliseconds. The <c>sign</c> header is not stored: it is the HMAC of this timestamp
    /// with the app's secret, so it adds nothing to the key — and keying on its text would let a replay through with
    /// the same signature written another way (Base64 with a space in it decodes the same).
    /// </summary>
    public long Timestamp { get; set; }

    /// <summary>SHA-256 of the request body as received.</summary>
    public required byte[] BodySha256 { get; set; }
}

/// <summary>Maps <see cref="RobotSignatureRow"/>: the primary key is the once-only rule, the timestamp index serves the retention job.</summary>
internal sealed class RobotSignatureConfiguration : IEntityTypeConfiguration<RobotSignatureRow>
{
    public void Configure(EntityTypeBuilder<RobotSignatureRow> e)
    {
        e.ToTable("dingtalk_robot_signatures");
        e.HasKey(x => new { x.Signer, x.Timestamp }).HasName("pk_dingtalk_robot_signatures");
        e.Property(x => x.Signer).HasColumnName("signer").HasMaxLength(RobotSigner.Length);
        e.Property(x => x.Timestamp).HasColumnName("timestamp");
        e.Property(x => x.BodySha256).HasColumnName("body_sha256").HasMaxLength(32);
        e.HasIndex(x => x.Timestamp).HasDatabaseName("ix_dingtalk_robot_signatures_timestamp");
    }
}
