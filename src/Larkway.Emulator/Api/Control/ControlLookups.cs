using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Api.Control;

/// <summary>How the control API names people and apps: a user by any app's open_id, email, user_id or union_id; an app by app_id.</summary>
internal static class ControlLookups
{
    public static EmulatorUser RequireUser(EmulatorState state, string reference, int invalidCode = ErrorCodes.BadRequest) =>
        state.FindUserByReference(reference)
        ?? throw ApiErrorException.BadRequest(invalidCode, $"unknown user '{reference}' (any app's open_id, email, user_id or union_id)");

    public static EmulatorApp RequireApp(EmulatorState state, string appId, int invalidCode = ErrorCodes.BadRequest) =>
        state.FindApp(appId) ?? throw ApiErrorException.BadRequest(invalidCode, $"unknown app_id '{appId}'");
}
