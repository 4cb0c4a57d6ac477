using Larkway.Channels.Messages;
using Larkway.Hub.Assistants.Configuration;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>Who sent a message, as the directory knows them: the person (null for an unlinked account) and their departments.</summary>
/// <param name="PersonId">The person the account is linked to, or null.</param>
/// <param name="Email">The person's email, when known (a policy may name people by email).</param>
/// <param name="Departments">The person's departments and every department above them.</param>
public sealed record AssistantSender(string? PersonId, string? Email, IReadOnlySet<string> Departments)
{
    /// <summary>A sender linked to no person.</summary>
    public static AssistantSender Unknown { get; } = new(null, null, new HashSet<string>(StringComparer.Ordinal));
}

/// <summary>What the gate decided about one message.</summary>
public enum AssistantGateOutcome
{
    /// <summary>Not for the assistant (not addressed to it, another bot, a place it stays quiet in): no reply at all.</summary>
    Ignore,

    /// <summary>Answer it, as the person (or as a guest).</summary>
    Answer,

    /// <summary>Addressed to the assistant but not allowed: reply once with <see cref="AssistantGateDecision.Reason"/>.</summary>
    Refuse,

    /// <summary>An unlinked account under the <c>link</c> policy: reply with how to link it.</summary>
    AskToLink,
}

/// <summary>The gate's decision: the outcome and, for a refusal, the sentence the user gets (names the rule, never another person).</summary>
public sealed record AssistantGateDecision(AssistantGateOutcome Outcome, string? Reason = null, bool AsGuest = false)
{
    internal static readonly AssistantGateDecision Ignored = new(AssistantGateOutcome.Ignore);
}

/// <summary>
/// The assistant's policy applied to one message, before anything is stored or sent: the bot-loop guard, the group and
/// direct-message rules, who may use it, and what happens to strangers. Pure: the caller looks the sender up.
/// </summary>
public static class AssistantGate
{
    /// <summary>Decides whether <paramref name="assistant"/> answers <paramref name="message"/> from <paramref name="sender"/>.</summary>
    public static AssistantGateDecision Decide(AssistantDefinition assistant, InboundMessage message, AssistantSender sender)
    {
        ArgumentNullException.ThrowIfNull(assistant);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(sender);
        var policy = assistant.Policy;

        // Bots answering bots loop forever; no policy turns this off.
        if (message.Sender.IsBot)
        {
            return AssistantGateDecision.Ignored;
        }

        if (message.Conversation.Kind == ConversationKind.Direct)
        {
            if (policy.DirectMessages == AssistantPolicyValues.Disabled)
            {
                return new(AssistantGateOutcome.Refuse, $"{assistant.DisplayName} does not take direct messages; ask it in a group it is in.");
            }
        }
        else
        {
            if (!IsAddressed(policy.Groups, message))
            {
                return AssistantGateDecision.Ignored;
            }

            if (policy.Groups.Mode == AssistantPolicyValues.Disabled)
            {
                return new(AssistantGateOutcome.Refuse, $"{assistant.DisplayName} does not answer in groups; write to it directly.");
            }

            if (policy.Groups.Allowed.Count > 0 && !policy.Groups.Allowed.Contains(message.Conversation.Id, StringComparer.Ordinal))
            {
                return new(AssistantGateOutcome.Refuse, $"{assistant.DisplayName} is not enabled in this group; an administrator can add it.");
            }
        }

        if (sender.PersonId is null)
        {
            return policy.UnknownUsers switch
            {
                AssistantPolicyValues.Guest when policy.Access.IsEmpty && policy.DirectMessages != AssistantPolicyValues.Allowlist
                    => new(AssistantGateOutcome.Answer, AsGuest: true),
                AssistantPolicyValues.Refuse or AssistantPolicyValues.Guest
                    => new(AssistantGateOutcome.Refuse, $"{assistant.DisplayName} is for members of the organisation; your account is not linked to one."),
                _ => new(AssistantGateOutcome.AskToLink),
            };
        }

        if (!policy.Access.IsEmpty && !Includes(policy.Access, sender))
        {
            return new(AssistantGateOutcome.Refuse, $"You are not among the people {assistant.DisplayName} is enabled for; an administrator can add you.");
        }

        if (message.Conversation.Kind == ConversationKind.Direct && policy.DirectMessages == AssistantPolicyValues.Allowlist
            && !Includes(policy.DirectMessageAllowlist, sender))
        {
            return new(AssistantGateOutcome.Refuse, $"{assistant.DisplayName} takes direct messages only from some people; ask it in a group it is in.");
        }

        return new(AssistantGateOutcome.Answer);
    }

    /// <summary>Whether the person may run <paramref name="command"/> (no rule for it: everyone the assistant answers may).</summary>
    public static bool MayRun(AssistantDefinition assistant, string command, AssistantSender sender)
    {
        ArgumentNullException.ThrowIfNull(assistant);
        ArgumentNullException.ThrowIfNull(sender);
        return !assistant.Policy.Commands.TryGetValue(command, out var audience) || audience.IsEmpty || Includes(audience, sender);
    }

    /// <summary>In a group, a message is for the assistant when it @-mentions it, or @all counts, or the mode is <c>all</c>.</summary>
    private static bool IsAddressed(AssistantGroupPolicy groups, InboundMessage message) =>
        groups.Mode == AssistantPolicyValues.All
        || message.MentionsBot
        || (groups.AnswerAtAll && message.MentionsAll);

    private static bool Includes(AssistantAudience audience, AssistantSender sender) =>
        audience.People.Any(p => p == sender.PersonId || (sender.Email is not null && string.Equals(p, sender.Email, StringComparison.OrdinalIgnoreCase)))
        || audience.Departments.Any(sender.Departments.Contains);
}
