using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Bench.Assistant;

/// <summary>
/// A question that links a long Feishu document against the same question without it, alternately, one at a time, each
/// from a new person the Hub's directory knows (guests get no document read): question posted → first text on the card,
/// and → the backend's request (what reading the document adds before the backend is asked). The document is open by
/// link to the whole company, so the Hub's check is one read of its public settings, then its blocks as far as
/// <c>Larkway:Assistants:LinkedDocumentChars</c> needs.
/// </summary>
internal static class LinkedDocumentBenchmark
{
    // About a printed page: a heading and six paragraphs of some 480 characters.
    private const int ParagraphsPerPage = 6;

    private static readonly string Paragraph = string.Join(' ', Enumerable.Repeat("The travel policy covers trains, flights and hotels booked through the company portal.", 6));

    public static async Task<string> RunAsync(AssistantOptions options, EmulatorServer emulator, HttpClient control, HttpClient admin, TurnReader turns, EmulatorUser owner, List<EmulatorUser> askers)
    {
        var pages = options.LinkedPages;
        var samples = options.LinkedSamples;
        var (url, characters, blocks) = await DocumentAsync(control, owner, pages);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"linked document: {pages} pages, {characters:N0} characters in {blocks:N0} blocks; waiting for {askers.Count} askers in the Hub's directory…"));
        await InDirectoryAsync(admin, askers);
        // The fake model repeats the question it got, document and all: fast tokens keep that long echo from making each
        // sample wait minutes for its end. What is measured comes before the answer: the first text and the backend's request.
        await AssistantBenchmark.SetAiAsync(control, new { tokens_per_second = 5000, answer_words = 10 });

        var plain = new Samples();
        var linked = new Samples();
        var sent = new List<int>();
        var docsBefore = await DocsCallsAsync(control);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"linked document: {samples} samples each side, alternately (load average {AssistantBenchmark.LoadAverage()})…"));
        for (var s = 0; s < samples; s++)
        {
            async Task Plain() => await AskAsync(plain, askers[2 * s], string.Create(CultureInfo.InvariantCulture, $"Plain {s + 1}: what does the travel policy say about trains?"));
            async Task Linked() => sent.Add(await AskAsync(linked, askers[(2 * s) + 1], string.Create(CultureInfo.InvariantCulture, $"Linked {s + 1}: what does the travel policy say about trains? {url}")));
            await AssistantBenchmark.AlternatelyAsync(s, Plain, Linked);
        }

        var docsCalls = Diff(await DocsCallsAsync(control), docsBefore);
        var budget = options.HubEnv.TryGetValue("Larkway__Assistants__LinkedDocumentChars", out var set) ? set : "20000 (the default)";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"A question linking a {pages}-page document ({characters:N0} characters in {blocks:N0} blocks, open by link to the company) against the same question without it, {samples} samples each side, alternately, one at a time; `LinkedDocumentChars` {budget}:");
        text.AppendLine();
        text.AppendLine("| question | first text on the card p50 | p99 | → the backend's request p50 | p99 |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| without a link | {plain.FirstText(50):F0} ms | {plain.FirstText(99):F0} ms | {plain.Backend(50):F0} ms | {plain.Backend(99):F0} ms |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| linking the document | {linked.FirstText(50):F0} ms | {linked.FirstText(99):F0} ms | {linked.Backend(50):F0} ms | {linked.Backend(99):F0} ms |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Linking the document: {linked.FirstText(50) / Math.Max(plain.FirstText(50), 1):F2}× the first text and {linked.Backend(50) / Math.Max(plain.Backend(50), 1):F2}× the backend's request of the plain question at the median. The backend got {sent.DefaultIfEmpty().Average():N0} characters with each linked question (the question, the document's title, link and text).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Feishu docs calls per linked question: {string.Join(", ", docsCalls.Where(c => c.Value > 0).OrderByDescending(c => c.Value).Select(c => string.Create(CultureInfo.InvariantCulture, $"`{c.Key}` {c.Value / (double)samples:F2}")))}.");
        return text.ToString();

        async Task<int> AskAsync(Samples into, EmulatorUser asker, string question)
        {
            var marker = question[..question.IndexOf(':', StringComparison.Ordinal)];
            var asked = await AssistantBenchmark.AskAsync(control, emulator, asker, question);
            var (first, _) = await AssistantBenchmark.FirstContentAsync(control, turns, asked);
            var (at, length) = await AssistantBenchmark.BackendRequestAsync(control, q => q.Contains(marker + ":", StringComparison.Ordinal), marker);
            into.Add(first, at - asked.PostedAtMs);
            var ended = await turns.WaitEndedAsync([asked.MessageId], TimeSpan.FromMinutes(2));
            if (ended[asked.MessageId].Status != "answered")
            {
                throw new InvalidOperationException($"\"{question}\" ended {ended[asked.MessageId].Status}: {ended[asked.MessageId].LastError}");
            }

            return length;
        }
    }

    /// <summary>The document, made by its owner, opened by link to the company and shared with the app; its link, characters and blocks.</summary>
    private static async Task<(string Url, int Characters, int Blocks)> DocumentAsync(HttpClient control, EmulatorUser owner, int pages)
    {
        var content = new StringBuilder();
        for (var page = 1; page <= pages; page++)
        {
            content.Append(CultureInfo.InvariantCulture, $"## Page {page}\n");
            for (var p = 0; p < ParagraphsPerPage; p++)
            {
                content.Append(CultureInfo.InvariantCulture, $"{page}.{p + 1} ").Append(Paragraph).Append('\n');
            }
        }

        using var made = await control.PostAsJsonAsync("/_emulator/docs/documents", new { owner = owner.Email, title = "Travel policy", content = content.ToString() });
        await AssistantBenchmark.EnsureAsync(made, "making the document");
        var data = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var token = data.GetProperty("document_id").GetString()!;
        using (var shared = await control.PatchAsJsonAsync($"/_emulator/docs/files/{token}/public", new { link_share_entity = "tenant_readable" }))
        {
            await AssistantBenchmark.EnsureAsync(shared, "opening the document to the company");
        }

        using (var granted = await control.PostAsJsonAsync($"/_emulator/docs/files/{token}/apps", new { }))
        {
            await AssistantBenchmark.EnsureAsync(granted, "sharing the document with the app");
        }

        var dump = JsonDocument.Parse(await control.GetStringAsync($"/_emulator/docs/documents/{token}")).RootElement.GetProperty("data");
        var blocks = dump.GetProperty("blocks").GetArrayLength();
        return (data.GetProperty("url").GetString()!, content.Length, blocks);
    }

    /// <summary>Syncs the Hub's directory from the Emulator's contact and waits until it lists every asker.</summary>
    private static async Task InDirectoryAsync(HttpClient admin, List<EmulatorUser> askers)
    {
        using (var started = await admin.PostAsync("/api/v1/directory/sync", null))
        {
            await AssistantBenchmark.EnsureAsync(started, "starting a directory sync");
        }

        var clock = Stopwatch.StartNew();
        foreach (var asker in askers)
        {
            while ((await admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/people?email=" + Uri.EscapeDataString(asker.Email ?? asker.Name))).GetProperty("items").GetArrayLength() == 0)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException($"{asker.Email} is not in the Hub's directory 2 minutes after a full sync was started");
                }

                await Task.Delay(250);
            }
        }
    }

    // The Emulator's count of Feishu docs, wiki and drive calls, by endpoint.
    private static async Task<Dictionary<string, long>> DocsCallsAsync(HttpClient control) =>
        JsonDocument.Parse(await control.GetStringAsync("/_emulator/calls")).RootElement.GetProperty("data").GetProperty("items").EnumerateArray()
            .Select(c => (Endpoint: c.GetProperty("endpoint").GetString()!, Count: c.GetProperty("count").GetInt64()))
            .Where(c => c.Endpoint.Contains("/docx/", StringComparison.Ordinal) || c.Endpoint.Contains("/drive/", StringComparison.Ordinal) || c.Endpoint.Contains("/wiki/", StringComparison.Ordinal))
            .ToDictionary(c => c.Endpoint, c => c.Count, StringComparer.Ordinal);

    private static Dictionary<string, long> Diff(Dictionary<string, long> after, Dictionary<string, long> before) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key), StringComparer.Ordinal);

    /// <summary>One side's timings, in milliseconds from the question posted.</summary>
    private sealed class Samples
    {
        private readonly List<double> _firstText = [];
        private readonly List<double> _backend = [];

        public void Add(double firstText, double backend)
        {
            _firstText.Add(firstText);
            _backend.Add(backend);
        }

        public double FirstText(double percentile) => AssistantBenchmark.P(_firstText, percentile);

        public double Backend(double percentile) => AssistantBenchmark.P(_backend, percentile);
    }
}
