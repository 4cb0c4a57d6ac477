using System.Text;
using Larkway.Channels.Messages;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Bots;

/// <summary>
/// An app bot, on any platform: runs commands and conversation steps, hands other messages to the app's assistant, and
/// never leaves a user without an answer — a failing handler gets a friendly reply. Each platform's room reads its own
/// messages into <see cref="BotMessage"/>s and hands them to <see cref="HandleMessageAsync"/> (Feishu's seat, which also
/// reads Feishu's other events, is <c>Feishu/FeishuAppBot</c>). Handlers run from the inbox and may run again after a
/// crash, so every reply carries an idempotency key derived from the event.
/// </summary>
public sealed partial class AppBot
{
    private readonly string _app;
    private readonly BotCommands _commands;
    private readonly BotOptions _options;
    private readonly IBotMessenger _messenger;
    private readonly IBotConversationStore _conversations;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IBotAssistant? _assistant;

    public AppBot(
        string app,
        BotCommands commands,
        BotOptions options,
        IBotMessenger messenger,
        IBotConversationStore conversations,
        TimeProvider time,
        ILogger<AppBot> logger,
        IBotAssistant? assistant = null)
    {
        _app = app;
        _commands = commands;
        _options = options;
        _messenger = messenger;
        _conversations = conversations;
        _time = time;
        _logger = logger;
        _assistant = assistant;
        AddHelp();
    }

    /// <summary>The app name the bot runs as.</summary>
    public string App => _app;

    /// <summary>The bot's options (its failure, fallback and welcome texts, its group rule), which a platform's seat also answers with.</summary>
    public BotOptions Options => _options;

    /// <summary>How this bot answers, as its platform's room seated it (a room may need its own type to scope a reply).</summary>
    internal IBotMessenger Messenger => _messenger;

    /// <summary>
    /// Who the bot is on its platform (its id there, to tell its @-mention apart, and its name), as its seat says
    /// (<see cref="BotSeat.Identity"/>); null while it cannot be read, or where the platform marks mentions itself.
    /// </summary>
    public Func<CancellationToken, Task<ChannelBotIdentity?>> Identity { get; init; } = _ => Task.FromResult<ChannelBotIdentity?>(null);

    /// <summary>
    /// Only the app's assistant answers its messages — no commands, no fallback reply, nothing when no assistant names the
    /// app (<see cref="BotSeat.AssistantOnly"/>).
    /// </summary>
    public bool AssistantOnly { get; init; }

    /// <summary>
    /// Handles a message its platform's room read into a <see cref="BotMessage"/>: the app's assistant first, then the
    /// group rule (a group message must mention the bot while groups require it), commands, conversation steps and the
    /// fallback reply; a failure answers with the failure reply, quoting <paramref name="reference"/>.
    /// </summary>
    public async Task HandleMessageAsync(BotMessage message, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            if (await TryAssistantAsync(message, cancellationToken).ConfigureAwait(false)
                || (_options.GroupsRequireMention && !message.Inbound.IsAddressedToBot))
            {
                return;
            }

            await RouteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHandlerFailed(_logger, ex, HubAppService.NameOnWire(_app), reference);

            // If even this reply fails the exception escapes and the inbox retries the event later;
            // the key keeps the apology from being posted twice.
            await _messenger.ReplyAsync(message, ChannelReply.ForText(_options.FailureReply.Replace("{ref}", reference, StringComparison.Ordinal)),
                $"{message.EventKey}/failure", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Which group messages that do not mention the bot the app's assistant takes (none without an assistant).</summary>
    internal UnmentionedGroupMessages UnmentionedGroupMessagesTaken() =>
        _assistant?.UnmentionedGroupMessagesTaken(_app) ?? UnmentionedGroupMessages.None;

    /// <summary>
    /// A message no bot command claims goes to the app's assistant, if one answers here (it applies its own group rules).
    /// Its plain replies are keyed by the message, not the event, so a redelivery under a new event id does not repeat them.
    /// </summary>
    internal async Task<bool> TryAssistantAsync(BotMessage message, CancellationToken cancellationToken)
    {
        var inbound = message.Inbound;
        if (_assistant is null
            || (!AssistantOnly && message.Text.StartsWith('/') && _commands.TryGet(BotArguments.SplitCommand(message.Text).Name, out _)))
        {
            return false;
        }

        return await _assistant.TryAcceptAsync(
            _app,
            inbound,
            message.Arrival,
            message.ReplyContext,
            (text, key, ct) => _messenger.ReplyAsync(message, ChannelReply.ForText(text), $"{inbound.DedupKey}/assistant/{key}", ct),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task RouteAsync(BotMessage message, CancellationToken cancellationToken)
    {
        if (message.Text.StartsWith('/'))
        {
            var (name, argumentText) = BotArguments.SplitCommand(message.Text);
            if (!_commands.TryGet(name, out var command))
            {
                await _messenger.ReplyAsync(message, ChannelReply.ForText($"I don't know /{name}. Send /help to see what I can do."),
                    $"{message.EventKey}/unknown", cancellationToken).ConfigureAwait(false);
                return;
            }

            // A new command abandons any question still open.
            await _conversations.RemoveAsync(_app, message.ChatId, message.SenderId, cancellationToken).ConfigureAwait(false);
            var arguments = BotArguments.Split(argumentText);
            if (arguments.Count < command.MinArguments)
            {
                await _messenger.ReplyAsync(message, ChannelReply.ForText($"Usage: /{command.Name} {command.Usage}".TrimEnd()),
                    $"{message.EventKey}/usage", cancellationToken).ConfigureAwait(false);
                return;
            }

            await command.Handler(NewContext(message, arguments, argumentText, null), cancellationToken).ConfigureAwait(false);
            return;
        }

        var conversation = await _conversations.GetAsync(_app, message.ChatId, message.SenderId, cancellationToken).ConfigureAwait(false);
        if (conversation is not null && _commands.TryGetStep(conversation.Step, out var step))
        {
            // Ended before the step runs: a step that wants more asks again.
            await _conversations.RemoveAsync(_app, message.ChatId, message.SenderId, cancellationToken).ConfigureAwait(false);
            await step(NewContext(message, BotArguments.Split(message.Text), message.Text, conversation), cancellationToken).ConfigureAwait(false);
            return;
        }

        await _messenger.ReplyAsync(message, ChannelReply.ForText(_options.FallbackReply), $"{message.EventKey}/fallback", cancellationToken).ConfigureAwait(false);
    }

    private BotContext NewContext(BotMessage message, IReadOnlyList<string> arguments, string argumentText, BotConversation? conversation) =>
        new(_app, message, arguments, argumentText, conversation, _messenger, _conversations, _options.ConversationTimeout, _time) { Assistant = _assistant };

    private void AddHelp()
    {
        if (_commands.TryGet("help", out _))
        {
            return;
        }

        // Registered once on the shared commands: the app and its assistant come from the context, not from this bot.
        _commands.Add("help", "Lists the commands.", async (context, ct) =>
        {
            var text = new StringBuilder("Commands:");
            foreach (var command in _commands.All)
            {
                AppendCommand(text, command.Name, command.Usage, command.Description);
            }

            if (context.Assistant is { } assistant && await assistant.HelpAsync(context.App, ct).ConfigureAwait(false) is { } help)
            {
                text.Append("\n\n").Append(help.DisplayName).Append(" answers anything else you write here. Its commands:");
                foreach (var (name, usage, description) in help.Commands)
                {
                    AppendCommand(text, name, usage, description);
                }

                foreach (var line in help.AlsoAnswers)
                {
                    text.Append("\n\n").Append(line);
                }
            }

            await context.ReplyAsync(text.ToString(), ct).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Handles a card click its platform's door read (<see cref="BotCardContext"/>): the claiming or named handler of
    /// <paramref name="actions"/> answers; an unknown action, or a failing handler, answers with a toast saying so (the
    /// failure reply, quoting the click), so the user always sees something.
    /// </summary>
    public async Task<CardClickAnswer?> HandleCardClickAsync(BotCardContext click, BotCardActions actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(click);
        ArgumentNullException.ThrowIfNull(actions);
        if (!actions.TryGet(click, out var handler))
        {
            return CardClickAnswer.WithToast(CardToastKind.Warning, "This button isn't handled by the bot.");
        }

        try
        {
            return await handler(click, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reference = click.EventId ?? "card";
            LogCardActionFailed(_logger, ex, HubAppService.NameOnWire(_app), click.Action, reference);
            return CardClickAnswer.WithToast(CardToastKind.Error, _options.FailureReply.Replace("{ref}", reference, StringComparison.Ordinal));
        }
    }

    private static void AppendCommand(StringBuilder text, string name, string? usage, string description)
    {
        text.Append('\n').Append('/').Append(name);
        if (usage is not null)
        {
            text.Append(' ').Append(usage);
        }

        text.Append(" — ").Append(description);
    }

    [LoggerMessage(EventId = LogEvents.AppBotHandlerFailed, Level = LogLevel.Error, Message = "The bot of app '{App}' failed handling event {Reference}; sending the failure reply.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string app, string reference);

    [LoggerMessage(EventId = LogEvents.AppBotCardActionFailed, Level = LogLevel.Error, Message = "The bot of app '{App}' failed handling card action '{Action}' ({Reference}); answered with an error toast.")]
    private static partial void LogCardActionFailed(ILogger logger, Exception exception, string app, string action, string reference);
}

/// <summary>Splits a command's text: <c>/name rest</c>, and the rest into arguments on whitespace (double quotes group words).</summary>
internal static class BotArguments
{
    /// <summary>The name after the slash of <paramref name="text"/> (which starts with '/') and the trimmed rest.</summary>
    public static (string Name, string Arguments) SplitCommand(string text)
    {
        var body = text[1..];
        var space = body.IndexOfAny([' ', '\n', '\t']);
        return space < 0 ? (body, "") : (body[..space], body[(space + 1)..].Trim());
    }

    public static IReadOnlyList<string> Split(string text)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
                continue;
            }

            if (char.IsWhiteSpace(c) && !quoted)
            {
                Flush();
                continue;
            }

            current.Append(c);
        }

        Flush();
        return result;

        void Flush()
        {
            if (current.Length > 0)
            {
                result.Add(current.ToString());
                current.Clear();
            }
        }
    }
}

/// <summary>A bot's own identity could not be read, so its message waits for a retry rather than being dropped.</summary>
internal sealed class BotIdentityUnavailableException(string message) : Exception(message);
