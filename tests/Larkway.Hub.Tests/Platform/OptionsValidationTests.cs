using Larkway.Feishu;
using Larkway.Hub.Approvals;
using Larkway.Hub.Assistants;
using Larkway.Hub.Inbox;
using Larkway.Hub.Notifications;
using Larkway.Hub.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Tests.Platform;

/// <summary>
/// Settings are checked by source-generated validators: a bad value stops the Hub at start with every problem of the
/// section at once, each naming the setting and the accepted range.
/// </summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void Inbox_settings_report_every_problem_by_setting_name()
    {
        var failure = Validate<InboxOptions>(
            services => services.AddHubInbox(Configuration(("Larkway:Inbox:BatchSize", "0"), ("Larkway:Inbox:ClaimDelay", "00:01:00"), ("Larkway:Inbox:RetryJitter", "2"))));

        failure.ShouldContain("Larkway:Inbox:BatchSize must be at least 1.");
        failure.ShouldContain("Larkway:Inbox:ClaimDelay must be zero or more, and less than PollInterval.");
        failure.ShouldContain("Larkway:Inbox:RetryJitter must be between 0 and 1.");
    }

    [Fact]
    public void Inbox_and_webhook_retention_is_from_a_day_to_ten_years_and_dead_letters_are_kept_at_least_as_long()
    {
        foreach (var (section, check) in new (string, Func<IConfiguration, string>)[]
        {
            ("Larkway:Inbox", c => Validate<InboxOptions>(s => s.AddHubInbox(c))),
            ("Larkway:Webhooks", c => Validate<WebhookOptions>(s => s.AddHubWebhooks(c))),
        })
        {
            var tooShort = check(Configuration(($"{section}:Retention", "12:00:00")));
            tooShort.ShouldContain($"{section}:Retention must be from 1.00:00:00 (a day) to 3650.00:00:00 (ten years).");

            var deadShorter = check(Configuration(($"{section}:Retention", "60.00:00:00"), ($"{section}:DeadLetterRetention", "30.00:00:00")));
            deadShorter.ShouldContain($"{section}:DeadLetterRetention must be at least Retention and at most 3650.00:00:00 (ten years).");
            deadShorter.ShouldNotContain($"{section}:Retention must");
        }

        var defaults = new InboxOptions();
        (defaults.Retention, defaults.DeadLetterRetention).ShouldBe((TimeSpan.FromDays(30), TimeSpan.FromDays(90)));
        new InboxOptionsValidator().Validate(null, new InboxOptions { Retention = TimeSpan.FromDays(3650), DeadLetterRetention = TimeSpan.FromDays(3650) }).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Notification_settings_report_every_problem_by_setting_name()
    {
        var failure = Validate<NotificationOptions>(
            services => services.AddHubNotifications(Configuration(("Larkway:Notifications:Concurrency", "0"), ("Larkway:Notifications:MaxAttempts", "0"))));

        failure.ShouldContain("Larkway:Notifications:Concurrency must be at least 1.");
        failure.ShouldContain("Larkway:Notifications:MaxAttempts must be at least 1.");
    }

    [Fact]
    public void Send_rates_are_the_Feishu_apps_and_a_minute_must_allow_at_least_a_second()
    {
        // Notifications are paced at Feishu:RateLimit (the limits the client enforces), so that is where they are checked.
        var failure = Validate<FeishuAppOptions>(services =>
        {
            services.AddSingleton(Configuration(("Feishu:AppId", "cli_1"), ("Feishu:AppSecret", "s"), ("Feishu:RateLimit:MessagesPerMinute", "1")));
            services.AddFeishu();
        });

        failure.ShouldContain("the default Feishu app: RateLimit:MessagesPerMinute (1) must be at least MessagesPerSecond (50)");
    }

    [Fact]
    public void Webhook_settings_report_every_problem_by_setting_name()
    {
        var failure = Validate<WebhookOptions>(
            services => services.AddHubWebhooks(Configuration(("Larkway:Webhooks:MaxAttempts", "0"), ("Larkway:Webhooks:LeaseDuration", "00:00:01"))));

        failure.ShouldContain("Larkway:Webhooks:MaxAttempts must be at least 1.");
        failure.ShouldContain("Larkway:Webhooks:LeaseDuration");
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("30.00:00:01")]
    public void The_secret_rotation_window_is_from_zero_to_30_days(string window)
    {
        var failure = Validate<WebhookOptions>(services => services.AddHubWebhooks(Configuration(("Larkway:Webhooks:SecretRotationWindow", window))));

        failure.ShouldContain("Larkway:Webhooks:SecretRotationWindow must be from 00:00:00");
    }

    [Fact]
    public void Every_queue_checks_its_shared_settings_under_its_own_section()
    {
        // One rule set (QueueOptionsRules) for the settings all queues have; each section names its own settings.
        string[] shared = ["BatchSize=0", "Concurrency=0", "MaxAttempts=0", "PollInterval=00:00:00", "RetryDelays:0=-00:00:01"];
        (string Section, Func<IConfiguration, string> Check)[] queues =
        [
            ("Larkway:Inbox", c => Validate<InboxOptions>(s => s.AddHubInbox(c))),
            ("Larkway:Notifications", c => Validate<NotificationOptions>(s => s.AddHubNotifications(c))),
            ("Larkway:Webhooks", c => Validate<WebhookOptions>(s => s.AddHubWebhooks(c))),
            ("Larkway:Approvals", c => Validate<ApprovalOptions>(s => s.AddHubApprovals(c))),
        ];

        foreach (var (section, check) in queues)
        {
            var failure = check(Configuration([.. shared.Select(pair => pair.Split('=')).Select(kv => ($"{section}:{kv[0]}", kv[1]))]));

            failure.ShouldContain($"{section}:BatchSize must be at least 1.");
            failure.ShouldContain($"{section}:Concurrency must be at least 1.");
            failure.ShouldContain($"{section}:MaxAttempts must be at least 1.");
            failure.ShouldContain($"{section}:PollInterval must be positive.");
            failure.ShouldContain($"{section}:RetryDelays must not be negative.");
        }
    }

    [Fact]
    public void Console_session_lengths_must_be_positive_and_at_most_a_year()
    {
        var failure = Validate<Larkway.Hub.AdminConsole.Auth.ConsoleSessionOptions>(services =>
        {
            services.AddSingleton(Configuration(("Larkway:Console:SessionIdle", "-00:10:00"), ("Larkway:Console:SessionLifetime", "400.00:00:00")));
            services.AddHubConsole();
        });

        failure.ShouldContain("Larkway:Console:SessionIdle must be positive and at most 366 days.");
        failure.ShouldContain("Larkway:Console:SessionLifetime must be positive and at most 366 days.");
    }

    [Fact]
    public void Bot_settings_refuse_a_conversation_timeout_out_of_range_and_empty_replies()
    {
        var result = new Larkway.Hub.Bots.BotOptionsValidator().Validate(null, new Larkway.Hub.Bots.BotOptions
        {
            ConversationTimeout = TimeSpan.Zero,
            FallbackReply = " ",
        });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Larkway:Bot:ConversationTimeout must be positive and at most 7 days.");
        result.FailureMessage.ShouldContain("Larkway:Bot:FallbackReply must not be empty");
        result.FailureMessage.ShouldNotContain("FailureReply");
        new Larkway.Hub.Bots.BotOptionsValidator().Validate(null, new Larkway.Hub.Bots.BotOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void The_one_to_one_welcome_mentions_no_mention_and_refuses_a_bot_name_placeholder()
    {
        // The default speaks to one person: nothing to mention, no name the platform did not give.
        var defaults = new Larkway.Hub.Bots.BotOptions();
        defaults.DirectWelcomeMessage.ShouldNotContain("Mention", Case.Insensitive);
        defaults.DirectWelcomeMessage.ShouldNotContain("{bot}");
        defaults.WelcomeMessage.ShouldContain("Mention me", customMessage: "a group's welcome says how to reach the bot there");

        var result = new Larkway.Hub.Bots.BotOptionsValidator().Validate(null, new Larkway.Hub.Bots.BotOptions { DirectWelcomeMessage = "Hi, I'm {bot}." });
        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Larkway:Bot:DirectWelcomeMessage must not contain {bot}");
    }

    [Fact]
    public void Assistant_retention_settings_out_of_range_name_the_key_and_the_range()
    {
        const string Turns = "Larkway:Assistants:TurnRetention must be from 1.00:00:00 to 3650.00:00:00 (1 day to 10 years).";
        const string Placeholders = "Larkway:Assistants:PlaceholderRetention must be from 00:00:00 to 30.00:00:00 (0 to 30 days).";
        var tooShort = Validate<AssistantOptions>(services => services.AddHubAssistants(
            Configuration(("Larkway:Assistants:TurnRetention", "23:59:59"), ("Larkway:Assistants:PlaceholderRetention", "-00:00:01"))));
        tooShort.ShouldContain(Turns);
        tooShort.ShouldContain(Placeholders);

        var tooLong = Validate<AssistantOptions>(services => services.AddHubAssistants(
            Configuration(("Larkway:Assistants:TurnRetention", "3650.00:00:01"), ("Larkway:Assistants:PlaceholderRetention", "30.00:00:01"))));
        tooLong.ShouldContain(Turns);
        tooLong.ShouldContain(Placeholders);

        var longerThanTurns = Validate<AssistantOptions>(services => services.AddHubAssistants(
            Configuration(("Larkway:Assistants:TurnRetention", "2.00:00:00"), ("Larkway:Assistants:PlaceholderRetention", "3.00:00:00"))));
        longerThanTurns.ShouldContain("Larkway:Assistants:PlaceholderRetention must not be longer than Larkway:Assistants:TurnRetention");
        longerThanTurns.ShouldNotContain("TurnRetention must be from");

        // The defaults and the ends of the ranges are accepted.
        var defaults = new AssistantOptions();
        defaults.TurnRetention.ShouldBe(TimeSpan.FromDays(30));
        defaults.PlaceholderRetention.ShouldBe(TimeSpan.FromDays(1));
        var validator = new AssistantOptionsValidator();
        validator.Validate(null, defaults).Succeeded.ShouldBeTrue();
        validator.Validate(null, new AssistantOptions { TurnRetention = TimeSpan.FromDays(1), PlaceholderRetention = TimeSpan.Zero }).Succeeded.ShouldBeTrue();
        validator.Validate(null, new AssistantOptions { TurnRetention = TimeSpan.FromDays(3650), PlaceholderRetention = TimeSpan.FromDays(30) }).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void A_Hub_level_approval_definition_name_with_an_empty_code_names_the_key_and_the_form()
    {
        var failure = Validate<ApprovalOptions>(services => services.AddHubApprovals(
            Configuration(("Larkway:Approvals:Definitions:payment:default", " "), ("Larkway:Approvals:Definitions:payment:dingtalk-main", "PROC-1"))));

        failure.ShouldContain("Larkway:Approvals:Definitions:payment must map at least one app to its definition code");
        failure.ShouldContain("the default app as 'default'");
    }

    [Fact]
    public void A_Hub_level_approval_definition_name_is_each_apps_code_and_no_code_for_an_app_says_what_to_set()
    {
        var options = new ApprovalOptions();
        options.Definitions["payment"] = new(StringComparer.Ordinal) { ["default"] = "8B3D", ["dingtalk-main"] = "PROC-1" };

        options.DefinitionFor("payment", null, out _).ShouldBe("8B3D");
        options.DefinitionFor("payment", "dingtalk-main", out _).ShouldBe("PROC-1");
        options.DefinitionFor("PROC-2", "dingtalk-main", out var none).ShouldBe("PROC-2");
        none.ShouldBeNull();
        options.DefinitionFor("payment", "wecom-main", out var problem).ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain("set Larkway:Approvals:Definitions:payment:wecom-main");
    }

    [Fact]
    public void Defaults_are_valid()
    {
        var services = new ServiceCollection();
        var configuration = Configuration();
        services.AddHubInbox(configuration);
        services.AddHubNotifications(configuration);
        services.AddHubWebhooks(configuration);
        using var provider = services.BuildServiceProvider();

        Should.NotThrow(() => provider.GetRequiredService<IOptions<InboxOptions>>().Value);
        Should.NotThrow(() => provider.GetRequiredService<IOptions<NotificationOptions>>().Value);
        Should.NotThrow(() => provider.GetRequiredService<IOptions<WebhookOptions>>().Value);
    }

    private static string Validate<TOptions>(Action<IServiceCollection> register)
        where TOptions : class
    {
        var services = new ServiceCollection();
        register(services);
        using var provider = services.BuildServiceProvider();
        return Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TOptions>>().Value).Message;
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
