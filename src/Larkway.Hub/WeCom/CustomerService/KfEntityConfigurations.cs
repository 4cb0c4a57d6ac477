using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>How <see cref="KfAccountRow"/> is stored: <c>wecom_kf_accounts</c>, one row per (app, account).</summary>
internal sealed class KfAccountConfiguration : IEntityTypeConfiguration<KfAccountRow>
{
    public void Configure(EntityTypeBuilder<KfAccountRow> e)
    {
        e.ToTable("wecom_kf_accounts");
        e.HasKey(x => x.Id).HasName("pk_wecom_kf_accounts");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(HubAppValidation.MaxNameLength).IsRequired();
        e.Property(x => x.OpenKfId).HasColumnName("open_kfid").HasMaxLength(KfLimits.MaxIdLength).IsRequired();
        e.Property(x => x.Enabled).HasColumnName("enabled");
        e.Property(x => x.WelcomeMessage).HasColumnName("welcome_message").HasMaxLength(KfLimits.MaxTextLength);
        e.Property(x => x.EndMessage).HasColumnName("end_message").HasMaxLength(KfLimits.MaxTextLength);
        e.Property(x => x.HandoverMessage).HasColumnName("handover_message").HasMaxLength(KfLimits.MaxTextLength);
        e.Property(x => x.HandoverWords).HasColumnName("handover_words").HasMaxLength(4096).IsRequired();
        e.Property(x => x.HandoverTo).HasColumnName("handover_to").HasMaxLength(KfLimits.MaxIdLength);
        e.Property(x => x.HandoverButton).HasColumnName("handover_button").HasMaxLength(KfLimits.MaxButtonLength);
        e.Property(x => x.HandoverAfterAnswers).HasColumnName("handover_after_answers");
        e.Property(x => x.AnswerFrom).HasColumnName("answer_from");
        e.Property(x => x.Cursor).HasColumnName("cursor").HasMaxLength(256);
        e.Property(x => x.Token).HasColumnName("token").HasMaxLength(1024);
        e.Property(x => x.TokenAt).HasColumnName("token_at");
        e.Property(x => x.PullRequests).HasColumnName("pull_requests");
        e.Property(x => x.ItemsPulled).HasColumnName("items_pulled");
        e.Property(x => x.LastPulledAt).HasColumnName("last_pulled_at");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.MapWorkItem();
        e.HasIndex(x => new { x.App, x.OpenKfId }).IsUnique().HasDatabaseName("ux_wecom_kf_accounts_app_open_kfid");
        e.HasIndex(x => new { x.State, x.NextAttemptAt }).HasDatabaseName("ix_wecom_kf_accounts_status_next_attempt_at");
    }
}

/// <summary>How <see cref="KfMessageRow"/> is stored: <c>wecom_kf_messages</c>, unique per (app, account, msgid).</summary>
internal sealed class KfMessageConfiguration : IEntityTypeConfiguration<KfMessageRow>
{
    public void Configure(EntityTypeBuilder<KfMessageRow> e)
    {
        e.ToTable("wecom_kf_messages");
        e.HasKey(x => x.Id).HasName("pk_wecom_kf_messages");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(HubAppValidation.MaxNameLength).IsRequired();
        e.Property(x => x.OpenKfId).HasColumnName("open_kfid").HasMaxLength(KfLimits.MaxIdLength).IsRequired();
        e.Property(x => x.MsgId).HasColumnName("msgid").HasMaxLength(KfLimits.MaxMsgIdLength).IsRequired();
        e.Property(x => x.ExternalUserId).HasColumnName("external_userid").HasMaxLength(KfLimits.MaxIdLength);
        e.Property(x => x.Origin).HasColumnName("origin").HasMaxLength(16).IsRequired();
        e.Property(x => x.Type).HasColumnName("type").HasMaxLength(64).IsRequired();
        e.Property(x => x.Content).HasColumnName("content");
        e.Property(x => x.ServicerUserId).HasColumnName("servicer_userid").HasMaxLength(KfLimits.MaxIdLength);
        e.Property(x => x.SentAt).HasColumnName("sent_at");
        e.Property(x => x.StoredAt).HasColumnName("stored_at");
        e.Property(x => x.Route).HasColumnName("route").HasMaxLength(16).IsRequired();
        e.Property(x => x.FailType).HasColumnName("fail_type");
        e.Property(x => x.Recalled).HasColumnName("recalled");
        e.HasIndex(x => new { x.App, x.OpenKfId, x.MsgId }).IsUnique().HasDatabaseName("ux_wecom_kf_messages_app_open_kfid_msgid");
        e.HasIndex(x => new { x.App, x.OpenKfId, x.Route }).HasDatabaseName("ix_wecom_kf_messages_app_open_kfid_route");
        e.HasIndex(x => new { x.App, x.OpenKfId, x.ExternalUserId }).HasDatabaseName("ix_wecom_kf_messages_customer");
    }
}

/// <summary>How <see cref="KfSessionRow"/> is stored: <c>wecom_kf_sessions</c>, one per (app, account, customer).</summary>
internal sealed class KfSessionConfiguration : IEntityTypeConfiguration<KfSessionRow>
{
    public void Configure(EntityTypeBuilder<KfSessionRow> e)
    {
        e.ToTable("wecom_kf_sessions");
        e.HasKey(x => x.Id).HasName("pk_wecom_kf_sessions");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(HubAppValidation.MaxNameLength).IsRequired();
        e.Property(x => x.OpenKfId).HasColumnName("open_kfid").HasMaxLength(KfLimits.MaxIdLength).IsRequired();
        e.Property(x => x.ExternalUserId).HasColumnName("external_userid").HasMaxLength(KfLimits.MaxIdLength).IsRequired();
        e.Property(x => x.State).HasColumnName("state");
        e.Property(x => x.ServicerUserId).HasColumnName("servicer_userid").HasMaxLength(KfLimits.MaxIdLength);
        e.Property(x => x.SendsLeft).HasColumnName("sends_left");
        e.Property(x => x.WindowUntil).HasColumnName("window_until");
        e.Property(x => x.LastCustomerAt).HasColumnName("last_customer_at");
        e.Property(x => x.Handovers).HasColumnName("handovers");
        e.Property(x => x.Answers).HasColumnName("answers");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.HasIndex(x => new { x.App, x.OpenKfId, x.ExternalUserId }).IsUnique().HasDatabaseName("ux_wecom_kf_sessions_app_open_kfid_customer");
    }
}

/// <summary>The lengths the customer-service room keeps.</summary>
internal static class KfLimits
{
    /// <summary>An account's, a customer's or a receptionist's id.</summary>
    public const int MaxIdLength = 128;

    /// <summary>A msgid (WeCom's are short; the Hub's are 32).</summary>
    public const int MaxMsgIdLength = 128;

    /// <summary>A welcome, end or hand-over message: WeCom's text takes 2,048 bytes, so at most 2,048 characters get here (bytes are checked too).</summary>
    public const int MaxTextLength = 2048;

    /// <summary>Hand-over words an account lists.</summary>
    public const int MaxHandoverWords = 20;

    /// <summary>A menu button's words (<c>msgmenu</c> click content: 128 bytes).</summary>
    public const int MaxButtonLength = 128;

    /// <summary>A welcome sent as a menu (<c>msgmenu</c> head_content: 1,024 bytes).</summary>
    public const int MaxMenuHeadBytes = 1024;

    /// <summary>The largest answer-count rule.</summary>
    public const int MaxHandoverAfterAnswers = 100;
}
