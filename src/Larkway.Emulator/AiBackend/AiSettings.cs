namespace Larkway.Emulator.AiBackend;

/// <summary>The fake backend's runtime settings (from <see cref="AiBackendOptions"/> at start; changed through the control API).</summary>
internal sealed class AiSettings(AiBackendOptions options)
{
    private readonly Lock _gate = new();
    private AiSettingsView _current = new(options.TokensPerSecond, options.AnswerWords, DifyMode.Chat);

    public AiSettingsView Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Applies the given changes (null leaves a setting as it is); returns an error naming what to fix, or null.</summary>
    public string? Change(double? tokensPerSecond, int? answerWords, string? difyMode)
    {
        if (tokensPerSecond is { } rate && (double.IsNaN(rate) || rate <= 0 || rate > 100_000))
        {
            return "tokens_per_second must be above 0 and at most 100000";
        }

        if (answerWords is < 0 or > 100_000)
        {
            return "answer_words must be between 0 and 100000";
        }

        DifyMode? mode = difyMode switch
        {
            null => null,
            "chat" => DifyMode.Chat,
            "agent" => DifyMode.Agent,
            _ => (DifyMode?)(-1),
        };
        if (mode == (DifyMode)(-1))
        {
            return "dify_mode must be \"chat\" or \"agent\"";
        }

        lock (_gate)
        {
            _current = new AiSettingsView(tokensPerSecond ?? _current.TokensPerSecond, answerWords ?? _current.AnswerWords, mode ?? _current.DifyMode);
        }

        return null;
    }
}

/// <summary>How the Dify app answers: a chat app (<c>message</c> events) or an agent app (<c>agent_thought</c> + <c>agent_message</c>).</summary>
internal enum DifyMode
{
    Chat,
    Agent,
}

internal sealed record AiSettingsView(double TokensPerSecond, int AnswerWords, DifyMode DifyMode)
{
    public TimeSpan TokenInterval => TimeSpan.FromSeconds(1 / TokensPerSecond);

    public object ToWire() => new { tokens_per_second = TokensPerSecond, answer_words = AnswerWords, dify_mode = DifyMode == DifyMode.Agent ? "agent" : "chat" };
}
