using Larkway.Channels.Messages;
using Larkway.Hub.Assistants.Configuration;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>The keys a message is filed under: its session (what the backend remembers) and its lane (what is answered in order).</summary>
public static class AssistantKeys
{
    /// <summary>
    /// The session key for <paramref name="message"/> under the assistant's session mode:
    /// <list type="bullet">
    /// <item><c>person</c>: a person's direct messages share one session on every platform (<c>person:per_…</c>); in a group
    /// the person has a session of their own for that group (<c>person:per_…@{platform}:{app}:{chat}</c>), so nothing said
    /// privately is carried into a place others read, and nothing said in one group into another.</item>
    /// <item><c>conversation</c>: one per chat; <c>thread</c>: one per thread, else per chat.</item>
    /// </list>
    /// A guest's person-mode session is their account's (<see cref="Guest"/>).
    /// </summary>
    /// <param name="assistant">The assistant answering.</param>
    /// <param name="message">The message.</param>
    /// <param name="personId">The sender's person, null for a guest.</param>
    /// <param name="app">The Hub app the message came to (its name, as the Hub keys apps and stores turns).</param>
    public static string Session(AssistantDefinition assistant, InboundMessage message, string? personId, string app)
    {
        ArgumentNullException.ThrowIfNull(assistant);
        ArgumentNullException.ThrowIfNull(message);
        var chat = Chat(message);
        return assistant.Sessions.Mode switch
        {
            AssistantPolicyValues.Conversation => $"chat:{chat}",
            AssistantPolicyValues.Thread => message.Conversation.ThreadId is { } thread ? $"thread:{chat}#{thread}" : $"chat:{chat}",
            _ => (personId is null ? Guest(Platform(message), app, message.Sender.Id) : $"person:{personId}")
                + (message.Conversation.IsShared ? $"@{chat}" : ""),
        };
    }

    /// <summary>
    /// A guest's id, the one form for their session key, what the console shows and the backend's <c>user</c>:
    /// <c>account:{platform}:{Hub app name}:{user id}</c>. The Hub app's name is what the Hub keys apps by, unique and
    /// stable; a platform's own app id (an agent id, a robot code) is neither unique across platforms nor kept when the
    /// app is re-created.
    /// </summary>
    public static string Guest(string platform, string app, string userId) => $"account:{platform}:{app}:{userId}";

    /// <summary>The lane: one conversation (a thread is its own), in which questions are answered one at a time, in order.</summary>
    public static string Lane(InboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Conversation.ThreadId is { } thread ? $"{Chat(message)}#{thread}" : Chat(message);
    }

    /// <summary>The platform's name as the Hub stores it.</summary>
    public static string Platform(InboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Platform.ToString().ToLowerInvariant();
    }

    private static string Chat(InboundMessage message) => $"{Platform(message)}:{message.App.Id}:{message.Conversation.Id}";
}
