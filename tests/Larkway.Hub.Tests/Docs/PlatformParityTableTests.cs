using System.Text.RegularExpressions;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Hub.Tests.Docs;

/// <summary>
/// docs/platform-parity.md claims, for every Hub capability on Feishu, DingTalk and WeCom, either a test that proves it
/// or why the platform cannot (or that Larkway does not yet). These tests keep the claims honest at the source level:
/// every row has its three platform cells, every ✓ cell links a test, and every linked test exists — the linked file is
/// there, declares <c>class Class</c>, and some file under tests/ declaring that class has a method declaration
/// <c>Method(</c>. They read source text only: they do not run the named tests or check their attributes.
/// </summary>
public sealed partial class PlatformParityTableTests
{
    private static readonly string[] Platforms = ["Feishu", "DingTalk", "WeCom"];

    [Fact]
    public void Every_cell_of_the_parity_table_names_a_test_that_exists_or_says_why_not()
    {
        var root = RepoPaths.Root;
        var doc = Path.Combine(root, "docs", "platform-parity.md");
        File.Exists(doc).ShouldBeTrue($"{doc} is missing");

        var problems = Check(File.ReadAllText(doc), root);

        if (problems.Count > 0)
        {
            Assert.Fail("docs/platform-parity.md:\n" + string.Join("\n", problems));
        }
    }

    /// <summary>The checker itself can fail: a scratch table with each kind of fault gets each named by its cell.</summary>
    [Fact]
    public void A_missing_cell_a_tick_without_a_test_a_wrong_name_and_a_missing_file_are_each_named_by_their_cell()
    {
        const string Link = "../tests/Larkway.Hub.Tests/Docs/PlatformParityTableTests.cs";
        var table = string.Join('\n',
            "| capability | Feishu | DingTalk | WeCom |",
            "|---|---|---|---|",
            $"| good | ✓ [PlatformParityTableTests.Every_cell_of_the_parity_table_names_a_test_that_exists_or_says_why_not]({Link}) | — cannot | ✗ gap: not yet |",
            "| short row | — cannot | — cannot |",
            "| bare tick | ✓ somewhere | — cannot | — cannot |",
            $"| wrong method | — cannot | ✓ [PlatformParityTableTests.No_such_test]({Link}) | — cannot |",
            $"| wrong class | — cannot | — cannot | ✓ [NoSuchTests.Every_cell_of_the_parity_table_names_a_test_that_exists_or_says_why_not]({Link}) |",
            "| missing file | ✓ [PlatformParityTableTests.Every_cell_of_the_parity_table_names_a_test_that_exists_or_says_why_not](../tests/Nowhere.cs) | — cannot | — cannot |",
            "| no mark | maybe | — cannot | — cannot |");

        var problems = Check(table, RepoPaths.Root);

        problems.Count.ShouldBe(6, string.Join("\n", problems));
        problems.ShouldContain(p => p.StartsWith("row 'short row'", StringComparison.Ordinal) && p.Contains("WeCom", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("row 'bare tick', Feishu", StringComparison.Ordinal) && p.Contains("names no test", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("row 'wrong method', DingTalk", StringComparison.Ordinal) && p.Contains("No_such_test(", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("row 'wrong class', WeCom", StringComparison.Ordinal) && p.Contains("declares no class", StringComparison.Ordinal) && p.Contains("NoSuchTests", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("row 'missing file', Feishu", StringComparison.Ordinal) && p.Contains("../tests/Nowhere.cs", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("row 'no mark', Feishu", StringComparison.Ordinal));
    }

    /// <summary>Every problem of the first table whose header names the three platforms, one line each, naming its cell.</summary>
    internal static List<string> Check(string markdown, string root)
    {
        var problems = new List<string>();
        var rows = TableRows(markdown);
        if (rows.Count == 0)
        {
            problems.Add("no table with the columns 'capability | Feishu | DingTalk | WeCom'");
            return problems;
        }

        var tests = Path.Combine(root, "tests");
        var sources = System.IO.Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText, StringComparer.Ordinal);

        foreach (var cells in rows)
        {
            var capability = cells[0];
            if (cells.Count != Platforms.Length + 1)
            {
                var missing = string.Join(", ", Platforms.Skip(Math.Max(0, cells.Count - 1)));
                problems.Add($"row '{capability}' has {cells.Count - 1} platform cells, not {Platforms.Length}" + (missing.Length > 0 ? $": no cell for {missing}" : ""));
                continue;
            }

            for (var i = 0; i < Platforms.Length; i++)
            {
                problems.AddRange(CheckCell($"row '{capability}', {Platforms[i]}", cells[i + 1], root, sources));
            }
        }

        return problems;
    }

    private static IEnumerable<string> CheckCell(string where, string cell, string root, Dictionary<string, string> sources)
    {
        var links = TestLink().Matches(cell);
        if (cell.StartsWith('✓'))
        {
            if (links.Count == 0)
            {
                yield return $"{where}: ✓ but names no test (write ✓ [Class.Method](../tests/…/File.cs))";
            }
        }
        else if (!cell.StartsWith('—') && !cell.StartsWith('✗'))
        {
            yield return $"{where}: starts with neither ✓, — nor ✗: '{cell}'";
        }

        foreach (Match link in links)
        {
            var (type, method, path) = (link.Groups["class"].Value, link.Groups["method"].Value, link.Groups["path"].Value);
            var file = Path.GetFullPath(Path.Combine(root, "docs", path));
            if (!File.Exists(file))
            {
                yield return $"{where}: the linked file {path} does not exist";
                continue;
            }

            var declaresClass = new Regex($@"\bclass\s+{Regex.Escape(type)}\b", RegexOptions.CultureInvariant);
            if (!declaresClass.IsMatch(File.ReadAllText(file)))
            {
                yield return $"{where}: {path} declares no class {type}";
                continue;
            }

            var declaresMethod = new Regex($@"\b(?:void|Task(?:<[^>\n]*>)?)\s+{Regex.Escape(method)}\s*\(", RegexOptions.CultureInvariant);
            if (!sources.Any(s => declaresClass.IsMatch(s.Value) && declaresMethod.IsMatch(s.Value)))
            {
                yield return $"{where}: no file under tests/ declaring class {type} declares {method}(";
            }
        }
    }

    /// <summary>The cells of each body row of the first table whose header is capability, Feishu, DingTalk, WeCom.</summary>
    private static List<List<string>> TableRows(string markdown)
    {
        var rows = new List<List<string>>();
        var inTable = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith('|'))
            {
                if (inTable)
                {
                    break;
                }

                continue;
            }

            var cells = Cells(line);
            if (!inTable)
            {
                inTable = cells.Count == Platforms.Length + 1 && cells.Skip(1).SequenceEqual(Platforms, StringComparer.Ordinal);
                continue;
            }

            if (cells.All(c => c.Trim('-', ':').Length == 0))
            {
                continue; // the separator row
            }

            rows.Add(cells);
        }

        return rows;
    }

    private static List<string> Cells(string line) =>
        [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];

    [GeneratedRegex(@"\[(?<class>[A-Za-z_][A-Za-z0-9_]*)\.(?<method>[A-Za-z_][A-Za-z0-9_]*)\]\((?<path>[^)\s]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex TestLink();
}
