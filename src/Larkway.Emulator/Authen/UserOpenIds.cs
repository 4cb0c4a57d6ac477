using Larkway.Emulator.State;

namespace Larkway.Emulator.Authen;

/// <summary>
/// The one place sign-in answers take a user's open_id from. open_ids are per app on Feishu; today every app sees the
/// directory's open_id, and when per-app open_ids land this method is what changes.
/// </summary>
internal sealed class UserOpenIds
{
    public string OpenIdFor(string appId, EmulatorUser user) => user.OpenId;
}
