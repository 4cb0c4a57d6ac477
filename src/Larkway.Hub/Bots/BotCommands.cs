namespace Larkway.Hub.Bots;

/// <summary>Handles a command or a conversation step.</summary>
public delegate Task BotHandler(BotContext context, CancellationToken cancellationToken);

/// <summary>A registered command: <c>/name args…</c>.</summary>
/// <param name="Name">The name without the slash, lower case.</param>
/// <param name="Description">One line for /help.</param>
/// <param name="Usage">The arguments, e.g. <c>&lt;text&gt;</c>; null when it takes none.</param>
/// <param name="MinArguments">How many arguments it needs; fewer gets a usage reply, not a call.</param>
/// <param name="Handler">The handler.</param>
public sealed record BotCommand(string Name, string Description, string? Usage, int MinArguments, BotHandler Handler);

/// <summary>
/// The commands and conversation steps of a bot, registered explicitly (no scanning). Register
/// everything at start; lookups are then thread-safe.
/// </summary>
public sealed class BotCommands
{
    private readonly Dictionary<string, BotCommand> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, BotHandler> _steps = new(StringComparer.Ordinal);

    /// <summary>The commands in registration order of names.</summary>
    public IEnumerable<BotCommand> All => _commands.Values.OrderBy(c => c.Name, StringComparer.Ordinal);

    /// <summary>Registers <c>/name</c>.</summary>
    public BotCommands Add(string name, string description, BotHandler handler, string? usage = null, int minArguments = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        ArgumentNullException.ThrowIfNull(handler);
        name = name.TrimStart('/');
        if (name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Command name '{name}' contains whitespace.", nameof(name));
        }

        if (!_commands.TryAdd(name, new BotCommand(name.ToLowerInvariant(), description, usage, minArguments, handler)))
        {
            throw new InvalidOperationException($"The command /{name} is already registered.");
        }

        return this;
    }

    /// <summary>Registers a conversation step: the handler of the next message after <see cref="BotContext.AskAsync"/>.</summary>
    public BotCommands AddStep(string step, BotHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(step);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_steps.TryAdd(step, handler))
        {
            throw new InvalidOperationException($"The conversation step '{step}' is already registered.");
        }

        return this;
    }

    public bool TryGet(string name, out BotCommand command) => _commands.TryGetValue(name, out command!);

    public bool TryGetStep(string step, out BotHandler handler) => _steps.TryGetValue(step, out handler!);
}
