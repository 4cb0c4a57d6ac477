using Microsoft.Extensions.Options;

namespace Larkway.Hub.Platform.Units;

/// <summary>The options the start validates to check the platform units (it carries nothing: the check reads the registrations).</summary>
public sealed class PlatformUnitsCheck;

/// <summary>
/// Checks, at start, every registered platform unit against every shared room's requirements, and that no piece is
/// supplied for a platform that is not a unit: all problems at once, each naming the platform, the room and the piece.
/// </summary>
internal sealed class PlatformUnitsValidator(
    IEnumerable<PlatformUnitRegistration> units,
    IEnumerable<PlatformRequirement> requirements,
    IEnumerable<PlatformPieceSupplied> supplied) : IValidateOptions<PlatformUnitsCheck>
{
    public ValidateOptionsResult Validate(string? name, PlatformUnitsCheck options)
    {
        var platforms = units.Select(u => u.Platform).Distinct().ToList();
        var has = supplied.Select(s => (s.Platform, s.Piece)).ToHashSet();
        var problems = new List<string>();
        foreach (var platform in platforms)
        {
            foreach (var requirement in requirements.DistinctBy(r => r.Piece))
            {
                if (!has.Contains((platform, requirement.Piece)))
                {
                    problems.Add($"The platform '{platform}' supplies no {requirement.Piece.Name}, which {requirement.Room} need ({requirement.What}): add {requirement.How ?? $".Supply<{requirement.Piece.Name}, …>()"} to its AddHubPlatformUnit(…).");
                }
            }
        }

        foreach (var orphan in supplied.Select(s => s.Platform).Distinct().Where(p => !platforms.Contains(p)))
        {
            problems.Add($"Pieces are supplied for the platform '{orphan}', which is not registered: register it with AddHubPlatformUnit(…).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
