using System.Text.RegularExpressions;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Hub.Tests.Docs;

/// <summary>
/// A clone with nothing beside it must build, pass its tests and send readers only to files it has. These tests read the
/// repository's text: no file under src/, tests/, scripts/, docs/, .ci/ or README.md names a path outside the repository
/// (a relative path climbing above the root, an absolute path of a build machine, or the team's notes folder beside
/// the clone), and every relative link of README.md and docs/ resolves to a file or folder inside it.
/// </summary>
public sealed partial class RepositoryStandsAloneTests
{
    private static readonly string[] Scanned = ["src", "tests", "scripts", "docs", ".ci", "README.md"];

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "bin", "obj", "node_modules", "artifacts", ".git", "TestResults" };

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".md", ".sh", ".json", ".ts", ".js", ".mjs", ".cjs", ".csproj", ".props", ".targets", ".yml", ".yaml", ".proto",
        ".cshtml", ".css", ".html", ".txt", ".py", ".xml", ".toml", ".sql", "",
    };

    [Fact]
    public void No_file_refers_to_a_path_outside_the_repository()
    {
        var root = RepoPaths.Root;
        var problems = Scanned.SelectMany(top => TextFiles(root, top))
            .SelectMany(file => OutsideReferences(root, file, File.ReadAllText(file)))
            .ToList();

        if (problems.Count > 0)
        {
            Assert.Fail("Copy what these need into the repository (tests/fixtures, docs/) and point them there:\n" + string.Join("\n", problems));
        }
    }

    [Fact]
    public void Every_relative_link_of_the_readme_and_the_docs_resolves_inside_the_repository()
    {
        var root = RepoPaths.Root;
        var pages = new[] { Path.Combine(root, "README.md") }
            .Concat(System.IO.Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Concat(System.IO.Directory.EnumerateFiles(Path.Combine(root, "tests", "fixtures"), "*.md", SearchOption.AllDirectories));
        var problems = pages.SelectMany(page => BrokenLinks(root, page, File.ReadAllText(page))).ToList();

        if (problems.Count > 0)
        {
            Assert.Fail("Fix these links (or the files they name):\n" + string.Join("\n", problems));
        }
    }

    /// <summary>The checks themselves can fail: each kind of fault in a scratch text is named with its line.</summary>
    [Fact]
    public void A_climbing_path_a_machine_path_the_notes_folder_and_a_broken_link_are_each_named()
    {
        var root = RepoPaths.Root;
        var file = Path.Combine(root, "docs", "scratch.md");
        // Written in pieces so that this file does not hold what it looks for.
        const string Up = "..";
        var text = string.Join('\n',
            "fine: [parity](platform-parity.md), [tests](../tests/fixtures/README.md#files), [web](https://example.com/a/../b)",
            $"climbs: see {Up}/{Up}/elsewhere/DESIGN.md",
            "machine: /" + "work/main/docs",
            "notes: shared" + "/reference/protocols.md",
            "code: Path.Combine(root, \"" + Up + "\", \"shared\")",
            $"broken: [gone](no-such-page.md) and [outside]({Up}/{Up}/x.md)");

        var outside = OutsideReferences(root, file, text).ToList();
        var broken = BrokenLinks(root, file, text).ToList();

        outside.Count.ShouldBe(5, string.Join("\n", outside));
        outside.ShouldContain(p => p.StartsWith("docs/scratch.md:2:", StringComparison.Ordinal));
        outside.ShouldContain(p => p.StartsWith("docs/scratch.md:3:", StringComparison.Ordinal));
        outside.ShouldContain(p => p.StartsWith("docs/scratch.md:4:", StringComparison.Ordinal));
        outside.ShouldContain(p => p.StartsWith("docs/scratch.md:5:", StringComparison.Ordinal));
        outside.ShouldContain(p => p.StartsWith("docs/scratch.md:6:", StringComparison.Ordinal) && p.Contains("x.md", StringComparison.Ordinal));
        broken.ShouldBe(["docs/scratch.md:6: no-such-page.md", $"docs/scratch.md:6: {Up}/{Up}/x.md"]);
    }

    private static IEnumerable<string> OutsideReferences(string root, string file, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var where = $"{Relative(root, file)}:{i + 1}:";
            foreach (Match m in ClimbingPath().Matches(lines[i]))
            {
                if (!IsInside(root, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, m.Value))))
                {
                    yield return $"{where} {m.Value} climbs out of the repository";
                }
            }

            if (MachinePath().Match(lines[i]) is { Success: true } machine)
            {
                yield return $"{where} {machine.Value} is a path on one machine";
            }

            if (NotesFolder().Match(lines[i]) is { Success: true } notes)
            {
                yield return $"{where} {notes.Value} is the team's notes folder beside the clone, which a clone does not have";
            }
        }
    }

    private static IEnumerable<string> BrokenLinks(string root, string page, string text)
    {
        var prose = FencedCode().Replace(text, match => new string('\n', match.Value.Count(c => c == '\n')));
        var lines = prose.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match m in MarkdownLink().Matches(lines[i]))
            {
                var target = m.Groups["target"].Value;
                if (target.StartsWith('#') || UriScheme().IsMatch(target))
                {
                    continue;
                }

                var path = Uri.UnescapeDataString(target.Split('#')[0]);
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, path));
                if (!IsInside(root, full) || (!File.Exists(full) && !System.IO.Directory.Exists(full)))
                {
                    yield return $"{Relative(root, page)}:{i + 1}: {target}";
                }
            }
        }
    }

    private static IEnumerable<string> TextFiles(string root, string top)
    {
        var start = Path.Combine(root, top);
        if (File.Exists(start))
        {
            return [start];
        }

        return Walk(start);
    }

    private static IEnumerable<string> Walk(string folder)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(folder).Where(f => TextExtensions.Contains(Path.GetExtension(f))))
        {
            yield return file;
        }

        foreach (var sub in System.IO.Directory.EnumerateDirectories(folder).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))))
        {
            foreach (var file in Walk(sub))
            {
                yield return file;
            }
        }
    }

    private static bool IsInside(string root, string full) =>
        full.Equals(root, StringComparison.Ordinal) || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    // A relative path that starts by going up (not part of a URL: no letter, digit or slash right before it).
    [GeneratedRegex(@"(?<![\w/.:])(?:\.\./)+[\w.\-/]*")]
    private static partial Regex ClimbingPath();

    [GeneratedRegex(@"(?<![\w.])/(?:work|check|home|root|Users)/[\w.\-]+")]
    private static partial Regex MachinePath();

    // The notes folder beside the clone: its known entries by name, and code that climbs into it.
    [GeneratedRegex(@"\bshared/(?:reference|vectors|hooks|DESIGN\.md|CONVENTIONS\.md)\b|""\.\.""\s*,\s*""shared""")]
    private static partial Regex NotesFolder();

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.\-]*:")]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedCode();
}
