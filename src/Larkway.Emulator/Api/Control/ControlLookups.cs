using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Api.Control;

/// <summary>How the control API names people and apps: a user by open_id, email or user_id; an app by app_id.</summary>
internal static class ControlLookups
{
    public static EmulatorUser RequireUser(EmulatorState state, string reference, int invalidCode = ErrorCodes.BadRequest) =>
        state.FindUser("open_id", reference) ?? state.FindUser("email", reference) ?? state.FindUser("user_id", reference)
        ?? throw ApiErrorException.BadRequest(invalidCode, $"unknown user '{reference}' (open_id, email or user_id)");

    public static EmulatorApp RequireApp(EmulatorState state, string appId, int invalidCode = ErrorCodes.BadRequest) =>
        state.FindApp(appId) ?? throw ApiErrorException.BadRequest(invalidCode, $"unknown app_id '{appId}'");
}
