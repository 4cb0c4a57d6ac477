namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>
/// The tests that flood a Hub (the fuzz, the memory flood) saturate this machine's two cores; they run alone, after
/// the parallel tests, so that no other test's deadlines (the Emulator's 3 s url_verification, card-action answers) see
/// their load.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AttackCollection
{
    public const string Name = "Hub under attack";
}
