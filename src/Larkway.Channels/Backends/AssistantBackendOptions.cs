namespace Larkway.Channels.Backends;

/// <summary>What every backend shares: its name, timeouts and retries.</summary>
public abstract class AssistantBackendOptions
{
    /// <summary>The backend's name in logs and metrics (an assistant's name, say); never a secret.</summary>
    public string Name { get; set; } = "assistant";

    /// <summary>
    /// How long to wait for the first visible output (text, a replaced answer or an agent step) after sending the
    /// question, retries included; keep-alive pings do not count. Default 60 s.
    /// </summary>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Once output has started, how long the stream may stay silent (Dify pings every 10 s, and a ping counts as data).
    /// Default 30 s.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest a whole answer may take, retries included. Default 5 minutes.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many times a failed attempt is tried again — only before any output: on 429, 5xx and connection failures
    /// (never on timeouts, refusals or after text). Default 2.
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay, doubled for each next one up to <see cref="MaxRetryDelay"/> and shortened at random by up to a quarter. Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest wait honoured: a 429 whose <c>Retry-After</c> asks for more is not retried but reported as
    /// <see cref="AssistantFailureKind.RateLimited"/> with the wait. Default 10 s.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws when the shared options cannot work, saying which to fix.</summary>
    private protected void ThrowIfInvalidShared(string optionsType)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException($"{optionsType}.Name is empty: name the backend (it appears in logs and metrics).");
        }

        Positive(FirstTokenTimeout, nameof(FirstTokenTimeout));
        Positive(IdleTimeout, nameof(IdleTimeout));
        Positive(TotalTimeout, nameof(TotalTimeout));
        if (MaxRetries is < 0 or > 10)
        {
            throw new ArgumentException($"{optionsType}.MaxRetries is {MaxRetries}: give 0 to 10.");
        }

        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"{optionsType}.RetryBaseDelay and MaxRetryDelay may not be negative.");
        }

        void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentException($"{optionsType}.{name} is {value}: give a positive time (or Timeout.InfiniteTimeSpan).");
            }
        }
    }
}
