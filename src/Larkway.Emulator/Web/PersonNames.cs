using Larkway.Emulator.State;

namespace Larkway.Emulator.Web;

/// <summary>
/// The name the Feishu client shows for a person named by an id in a message or card: a user by open_id, user_id,
/// union_id or email, or an app's bot by its open_id or app id. Null for an id the tenant does not have.
/// </summary>
internal sealed class PersonNames(EmulatorState state)
{
    public string? Of(string id) =>
        (state.FindUserByAnyOpenId(id) ?? state.FindUser("user_id", id) ?? state.FindUser("union_id", id) ?? (id.Contains('@', StringComparison.Ordinal) ? state.FindUser("email", id) : null))?.Name
        ?? state.Apps.FirstOrDefault(a => a.BotOpenId == id || a.AppId == id)?.BotName;
}
