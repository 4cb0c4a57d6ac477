namespace Larkway.Hub.Apps;

/// <summary>
/// What a platform's <see cref="HubPlatformInfo.Check"/> sees of an add or change, and where it puts its problems and
/// the normalised values of its own fields. On a change a null means "keep" and an empty key or token "clear".
/// </summary>
public sealed class HubAppCheck
{
    private readonly List<HubAppProblem> _problems;

    internal HubAppCheck(HubAppInput input, bool adding, string? encryptKey, string? verificationToken, List<HubAppProblem> problems)
    {
        Input = input;
        Adding = adding;
        EncryptKey = encryptKey;
        VerificationToken = verificationToken;
        _problems = problems;
    }

    /// <summary>The input as the caller sent it.</summary>
    public HubAppInput Input { get; }

    /// <summary>True when the app is being added, false for a change of a stored one.</summary>
    public bool Adding { get; }

    /// <summary>The encrypt key as checked by the common rules (trimmed; null when absent or already refused).</summary>
    public string? EncryptKey { get; }

    /// <summary>The verification token as checked by the common rules (trimmed; null when absent or already refused).</summary>
    public string? VerificationToken { get; }

    /// <summary>Adds a problem: the field (snake_case, as on the wire) and what to fix.</summary>
    public void Problem(string field, string message) => _problems.Add(new(field, message));

    /// <summary>Whether a problem names <paramref name="field"/> already.</summary>
    public bool HasProblem(string field) => _problems.Exists(p => string.Equals(p.Field, field, StringComparison.Ordinal));

    /// <summary>The robot code to store (null: none, or keep on a change; empty clears).</summary>
    public string? RobotCode { get; set; }

    /// <summary>The AgentId to store (null: none, or keep on a change; 0 clears).</summary>
    public long? AgentId { get; set; }

    /// <summary>The AI bot's id (null: none, or keep; empty removes the bot).</summary>
    public string? AiBotId { get; set; }

    /// <summary>The AI bot's secret (null: none, or keep).</summary>
    public string? AiBotSecret { get; set; }

    /// <summary>The AI bot's URL (null: none, or keep; empty restores the platform's own).</summary>
    public string? AiBotUrl { get; set; }
}
