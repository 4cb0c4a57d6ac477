using Larkway.Emulator.Hosting;
using Microsoft.Extensions.Configuration;

namespace Larkway.Hub.Sandbox;

/// <summary>
/// One platform's part of the sandbox, from its room: the app it keeps in the Hub for the embedded Emulator's side of the
/// platform, the sandbox person reached there, and its lines of the start banner. Each room registers one in its
/// <c>AddHub…</c>; the sandbox runs them in the order they were registered (<see cref="SandboxPlatforms"/>).
/// </summary>
internal interface ISandboxPlatform
{
    /// <summary>The Hub app the sandbox keeps for it (the assistant answers on it when it exists).</summary>
    string AppName { get; }

    /// <summary>The Emulator's person reached on this platform in the sandbox, and whether they prefer it.</summary>
    SandboxPerson Person { get; }

    /// <summary>Whether the configuration leaves the platform's app in the sandbox (e.g. <c>Larkway:Sandbox:DingTalk=false</c> leaves it out).</summary>
    bool Enabled(IConfiguration configuration);

    /// <summary>
    /// Adds the platform's app when it is missing, at every sandbox start once the Hub listens; returns null when the
    /// Emulator's side of it reaches the Hub, or why not (said in the banner: the rest of the sandbox still serves).
    /// </summary>
    Task<string?> EnsureAsync(SandboxStart start, CancellationToken cancellationToken);

    /// <summary>Its lines of the banner, from the app as stored now and <paramref name="problem"/> (what <see cref="EnsureAsync"/> returned).</summary>
    Task<SandboxBanner> BannerAsync(SandboxStart start, string? problem, IReadOnlySet<string> assistantApps, CancellationToken cancellationToken);
}

/// <summary>What a sandbox platform's part works with at a start.</summary>
/// <param name="Emulator">The embedded Emulator.</param>
/// <param name="HubBaseUrl">Where the Hub listens (the Emulator's callbacks point there).</param>
/// <param name="Services">The Hub's services.</param>
/// <param name="Configuration">The Hub's configuration (<c>Larkway:Sandbox:…</c>).</param>
internal sealed record SandboxStart(EmulatorServer Emulator, Uri HubBaseUrl, IServiceProvider Services, IConfiguration Configuration);

/// <summary>A person of the Emulator as the sandbox reaches them on one platform.</summary>
/// <param name="Email">Their email (the directory finds them by it).</param>
/// <param name="Name">Their first name, as the banner says it.</param>
/// <param name="Prefers">True when the sandbox sets the platform as their preferred one (false: the directory's order reaches them there).</param>
internal sealed record SandboxPerson(string Email, string Name, bool Prefers);

/// <summary>A sandbox platform's part of the banner.</summary>
/// <param name="Lines">Printed after the approvals lines: where to write to its app, how to notify on it, or why it does not answer.</param>
/// <param name="ReachesPerson">True when its app reaches <see cref="ISandboxPlatform.Person"/>: the "one notification" example needs every platform's.</param>
/// <param name="AskLine">How to ask the sandbox's assistant there; null when it does not answer on the platform's app.</param>
internal sealed record SandboxBanner(IReadOnlyList<string> Lines, bool ReachesPerson, string? AskLine);
