using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Bots;

/// <summary>How an app bot behaves (configuration section <c>Larkway:Bot</c>).</summary>
public sealed class BotOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Bot";

    /// <summary>In group chats, answer only messages that @-mention the bot. Default true; p2p chats are always answered.</summary>
    public bool GroupsRequireMention { get; set; } = true;

    /// <summary>Posted when the bot is added to a group; <c>{bot}</c> is replaced by the bot's name. Empty turns it off.</summary>
    public string WelcomeMessage { get; set; } = "Hi, I'm {bot}. Mention me with /help to see what I can do.";

    /// <summary>
    /// Sent when a person opens a one-to-one chat with the bot (WeCom's AI bot greets the first visit of a day). No
    /// mention is needed there, and the platform does not give the bot's display name with the event, so the text
    /// speaks as "I" and takes no <c>{bot}</c>. Empty turns it off.
    /// </summary>
    public string DirectWelcomeMessage { get; set; } = "Hi! Send /help to see what I can do.";

    /// <summary>The reply when handling a message fails (a downstream system or the Feishu API); <c>{ref}</c> is a reference for the logs.</summary>
    public string FailureReply { get; set; } = "Sorry, something went wrong on my side and I couldn't finish that. Please try again in a moment. (ref {ref})";

    /// <summary>The reply to a message that is neither a command nor an answer the bot is waiting for.</summary>
    public string FallbackReply { get; set; } = "I answer commands. Send /help to see them.";

    /// <summary>How long the bot waits for the answer to a question it asked before forgetting the conversation.</summary>
    public TimeSpan ConversationTimeout { get; set; } = TimeSpan.FromMinutes(30);

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        // A conversation the bot forgets at once, or keeps for ever, is a typo, not a choice.
        if (ConversationTimeout <= TimeSpan.Zero || ConversationTimeout > TimeSpan.FromDays(7))
        {
            yield return new($"{SectionName}:ConversationTimeout must be positive and at most 7 days.", [nameof(ConversationTimeout)]);
        }

        if (FailureReply.Trim().Length == 0)
        {
            yield return new($"{SectionName}:FailureReply must not be empty: it is what a user sees when handling fails.", [nameof(FailureReply)]);
        }

        if (DirectWelcomeMessage.Contains("{bot}", StringComparison.Ordinal))
        {
            // Left as it is, the placeholder would reach the person verbatim (or as the app's internal name).
            yield return new($"{SectionName}:DirectWelcomeMessage must not contain {{bot}}: a one-to-one welcome is sent without the bot's name, which the platform does not give.", [nameof(DirectWelcomeMessage)]);
        }

        if (FallbackReply.Trim().Length == 0)
        {
            yield return new($"{SectionName}:FallbackReply must not be empty: it is the answer to a message that is no command.", [nameof(FallbackReply)]);
        }
    }
}

/// <summary>Checks <see cref="BotOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class BotOptionsValidator : IValidateOptions<BotOptions>;
