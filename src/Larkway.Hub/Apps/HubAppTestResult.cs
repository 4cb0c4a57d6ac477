namespace Larkway.Hub.Apps;

/// <summary>The bot an app's credentials reach.</summary>
public sealed record HubAppBot(string Name, string OpenId, int ActivateStatus, bool Activated, string? AvatarUrl);

/// <summary>
/// The outcome of "test connection" (<see cref="IPlatformConnectionTest"/>): the bot, or what went wrong.
/// <see cref="Code"/>, <see cref="Msg"/>, <see cref="LogId"/> and <see cref="HttpStatus"/> are the platform's own when it
/// answered (quote the log id to its support); a network failure or timeout has <see cref="Error"/> and the client's
/// negative code.
/// </summary>
public sealed record HubAppTestResult(
    bool Ok,
    HubAppBot? Bot = null,
    int? Code = null,
    string? Msg = null,
    string? LogId = null,
    int? HttpStatus = null,
    string? Error = null,
    string? Hint = null)
{
    internal static HubAppTestResult Failed(string error) => new(false, Error: error);
}
