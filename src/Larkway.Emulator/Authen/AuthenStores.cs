using Larkway.Emulator.State;

namespace Larkway.Emulator.Authen;

/// <summary>The sign-in state the state file keeps (<see cref="AuthenSnapshot"/>): OAuth settings and user tokens.</summary>
internal sealed class AuthenStores(OAuthSettingsStore settings, UserTokenStore tokens)
{
    public AuthenSnapshot Export()
    {
        var (grants, access, refresh) = tokens.Export();
        return new AuthenSnapshot(settings.Export(), grants, access, refresh);
    }

    public void Restore(AuthenSnapshot snapshot)
    {
        settings.Restore(snapshot.Apps);
        tokens.Restore(snapshot.Grants, snapshot.AccessTokens, snapshot.RefreshTokens);
    }
}
