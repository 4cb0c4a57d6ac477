namespace Larkway.Emulator.State;

/// <summary>
/// The user ids one app sees (docs/emulator.md, "Ids"): how the Open API reads a user id from that app's request and
/// writes one into its reply or event. Ids not of a user (bots, unknown ids) pass through unchanged.
/// </summary>
public readonly record struct AppUserIds(EmulatorState State, string AppId)
{
    public EmulatorUser? Find(string idType, string id) => State.FindUser(AppId, idType, id);

    /// <summary>The id of <paramref name="idType"/> for the user whose home open_id is <paramref name="openId"/>.</summary>
    public string Of(string openId, string idType) => State.UserIdOf(AppId, openId, idType);

    public string OpenId(EmulatorUser user) => State.OpenIdFor(AppId, user);

    public string UnionId(EmulatorUser user) => State.UnionIdFor(AppId, user);
}
