namespace Larkway.Hub.Apps;

/// <summary>
/// "Test connection" for one platform's apps, given by its room: the app's credentials tried with a throwaway client that
/// does not retry, so a wrong secret answers at once with the platform's own code, message and request id.
/// <see cref="HubAppService.TestConnectionAsync"/> asks the one whose <see cref="Platform"/> is the app's.
/// </summary>
internal interface IPlatformConnectionTest
{
    /// <summary>Tests <paramref name="app"/>'s credentials. Never throws for a failed test: the result says what went wrong.</summary>
    Task<HubAppTestResult> RunAsync(StoredApp app, CancellationToken cancellationToken);
}
