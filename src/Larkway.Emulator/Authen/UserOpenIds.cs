using Larkway.Emulator.State;

namespace Larkway.Emulator.Authen;

/// <summary>
/// The one place sign-in answers take a user's ids from: open_id per app and union_id per developer, as the rest of the
/// Emulator issues them (<see cref="EmulatorState.OpenIdFor"/>, docs/emulator.md "Ids").
/// </summary>
internal sealed class UserOpenIds(EmulatorState state)
{
    public string OpenIdFor(string appId, EmulatorUser user) => state.OpenIdFor(appId, user);

    public string UnionIdFor(string appId, EmulatorUser user) => state.UnionIdFor(appId, user);
}
