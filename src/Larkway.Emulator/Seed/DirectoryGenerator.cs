using System.Globalization;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Seed;

/// <summary>
/// A large directory made in one call (the directory-sync benchmark: 10,000 users in 300 departments). Deterministic: the
/// same counts and prefix give the same names, ids, emails and mobiles on every run. Departments form two levels — about
/// √M first-level ones, the rest spread below them — and users are dealt round-robin over every department. Like a seed,
/// it raises no contact events.
/// </summary>
public static class DirectoryGenerator
{
    public const int MaxUsers = 100_000;
    public const int MaxDepartments = 10_000;

    /// <summary>What was made: the first-level departments' open ids and the counts.</summary>
    public sealed record Result(int Users, int Departments, IReadOnlyList<string> FirstLevel);

    /// <param name="prefix">Starts every generated id (lower-case letters and digits), so two directories can live side by side.</param>
    public static Result Generate(EmulatorState state, int users, int departments, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (users is < 0 or > MaxUsers || departments is < 1 or > MaxDepartments)
        {
            throw new ArgumentOutOfRangeException(nameof(users), $"users must be 0 to {MaxUsers} and departments 1 to {MaxDepartments}.");
        }

        if (prefix.Length is 0 or > 16 || !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException("prefix must be 1 to 16 lower-case letters or digits.", nameof(prefix));
        }

        if (state.FindDepartment("department_id", DepartmentId(prefix, 1)) is not null || state.FindUser("user_id", UserId(prefix, 1)) is not null)
        {
            throw new ArgumentException($"a directory with prefix '{prefix}' was generated already; choose another prefix.", nameof(prefix));
        }

        var firstLevel = Math.Max(1, (int)Math.Round(Math.Sqrt(departments)));
        var made = new List<EmulatorDepartment>(departments);
        for (var i = 1; i <= departments; i++)
        {
            var parent = i <= firstLevel ? EmulatorState.RootDepartmentId : made[(i - firstLevel - 1) % firstLevel].OpenDepartmentId;
            var id = DepartmentId(prefix, i);
            made.Add(state.AddDepartment(new EmulatorDepartment(Ids.OpenDepartmentId(id), id, $"{Title(prefix)} Department {i:D4}", parent)
            {
                EnName = $"{Title(prefix)} Department {i:D4}",
                Order = i,
            }));
        }

        state.AddUsers(Enumerable.Range(1, users).Select(j =>
        {
            var userId = UserId(prefix, j);
            return new EmulatorUser(Ids.HomeOpenId(userId), Ids.HomeUnionId(userId), userId, $"{Title(prefix)} User {j:D6}", $"{userId}@{prefix}.example.com", [made[(j - 1) % departments].OpenDepartmentId])
            {
                Mobile = "+8617" + MobileBlock(prefix).ToString("D3", CultureInfo.InvariantCulture) + j.ToString("D6", CultureInfo.InvariantCulture),
                EnName = $"{Title(prefix)} User {j:D6}",
                EmployeeNo = $"{prefix.ToUpperInvariant()}{j:D6}",
                JobTitle = j % 10 == 0 ? "Manager" : "Engineer",
                JoinTime = 1_600_000_000 + (j * 3600L),
            };
        }));
        return new Result(users, departments, [.. made.Take(firstLevel).Select(d => d.OpenDepartmentId)]);
    }

    /// <summary>Three digits per prefix (stable across runs), so two generated directories have different mobiles.</summary>
    private static uint MobileBlock(string prefix) =>
        BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(prefix))) % 1000;

    private static string DepartmentId(string prefix, int i) => $"{prefix}-d{i:D4}";

    private static string UserId(string prefix, int j) => $"{prefix}{j:D6}";

    private static string Title(string prefix) => char.ToUpperInvariant(prefix[0]) + prefix[1..];
}
