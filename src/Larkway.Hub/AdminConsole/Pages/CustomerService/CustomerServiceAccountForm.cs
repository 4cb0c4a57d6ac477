using System.Globalization;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>An account's settings as the form posts them: text as typed, read into <see cref="CustomerServiceAccountSettings"/>.</summary>
internal sealed class CustomerServiceAccountForm
{
    private static readonly char[] WordSeparators = ['\n', ',', '，', '、'];

    public bool Enabled { get; set; } = true;

    public string? WelcomeMessage { get; set; }

    public string? EndMessage { get; set; }

    public string? HandoverMessage { get; set; }

    /// <summary>One word a line (commas separate too).</summary>
    public string? HandoverWords { get; set; }

    public string? HandoverTo { get; set; }

    public string? HandoverButton { get; set; }

    public string? HandoverAfterAnswers { get; set; } = "0";

    public static CustomerServiceAccountForm From(CustomerServiceAccountSettings s) => new()
    {
        Enabled = s.Enabled,
        WelcomeMessage = s.WelcomeMessage,
        EndMessage = s.EndMessage,
        HandoverMessage = s.HandoverMessage,
        HandoverWords = string.Join('\n', s.HandoverWords),
        HandoverTo = s.HandoverTo,
        HandoverButton = s.HandoverButton,
        HandoverAfterAnswers = s.HandoverAfterAnswers.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The settings, or the problem with the one field the room cannot read (the answer count).</summary>
    public (CustomerServiceAccountSettings? Settings, (string Field, string Message)? Problem) Read()
    {
        var count = (HandoverAfterAnswers ?? "").Trim();
        if (count.Length == 0)
        {
            count = "0";
        }

        if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var after))
        {
            return (null, ("handover_after_answers", "A whole number of answers (0 for never)."));
        }

        var words = (HandoverWords ?? "").Split(WordSeparators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return (new(Enabled, Blank(WelcomeMessage), Blank(EndMessage), Blank(HandoverMessage), words, Blank(HandoverTo?.Trim()), Blank(HandoverButton?.Trim()), after), null);
    }

    // A browser posts a textarea's line ends as CRLF; WeCom counts bytes, so they are kept as LF.
    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
