using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Channels.Masking;

/// <summary>
/// Masks personal data in text before it leaves — toward an AI backend, a platform or storage — by the rule set of that
/// direction (<see cref="MaskingOptions"/>): mainland mobile numbers, resident id numbers, bank card numbers, emails and any
/// custom detector. Returns the masked text, the turn's placeholders and an audit entry per masked field. Thread-safe and
/// cheap to keep: build one per configuration (e.g. per assistant).
/// </summary>
/// <remarks>
/// Values are found wherever they are, links included (host, path, query, fragment, user name). Toward people — a platform
/// and storage — a link holding a masked value is written masked and not clickable (<see cref="InertLinks"/>): it no
/// longer points where it did, and a link to a masked address is a link to someone else's page. Toward the backend a link
/// keeps its shape around its placeholders (<c>https://crm.example.com/u/[PHONE_1]</c>).
/// </remarks>
public sealed class PiiMasker
{
    private static readonly SearchValues<char> Triggers = SearchValues.Create("0123456789０１２３４５６７８９@");

    [ThreadStatic]
    private static List<PiiSpan>? t_spans;

    [ThreadStatic]
    private static List<Candidate>? t_candidates;

    private readonly byte[] _key;
    private readonly PiiDetector[] _detectors;
    private readonly Dictionary<string, int> _detectorIndex = new(StringComparer.Ordinal);
    private readonly ResolvedRules[] _directions;
    private readonly ILogger _logger;

    // One HMAC kept between calls (creating one per value costs more than hashing it); a concurrent call makes its own.
    private IncrementalHash? _spareHmac;

    /// <summary>Creates a masker; the options are checked and copied (later changes to them have no effect).</summary>
    /// <param name="options">The detectors, rule sets and fingerprint key.</param>
    /// <param name="logger">Logs how many fields were masked (never a value); null for none.</param>
    /// <exception cref="ArgumentException">The options are incomplete or inconsistent; the message says what to fix.</exception>
    public PiiMasker(MaskingOptions options, ILogger<PiiMasker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FingerprintKey is not { Length: >= 16 })
        {
            throw new ArgumentException(
                "MaskingOptions.FingerprintKey must hold at least 16 bytes (32 random bytes recommended) from the secret store: audit fingerprints are HMAC-SHA256 under it.",
                nameof(options));
        }

        _key = [.. options.FingerprintKey];
        _detectors = [.. options.Detectors ?? throw new ArgumentException("MaskingOptions.Detectors is null; leave the default or list the detectors.", nameof(options))];
        for (var i = 0; i < _detectors.Length; i++)
        {
            var detector = _detectors[i] ?? throw new ArgumentException($"MaskingOptions.Detectors[{i}] is null.", nameof(options));
            if (!_detectorIndex.TryAdd(detector.Name, i))
            {
                throw new ArgumentException($"MaskingOptions.Detectors names '{detector.Name}' twice; each detector name must be unique.", nameof(options));
            }
        }

        _directions =
        [
            Resolve(options.ToBackend, nameof(MaskingOptions.ToBackend)),
            Resolve(options.ToPlatform, nameof(MaskingOptions.ToPlatform)),
            Resolve(options.ToStorage, nameof(MaskingOptions.ToStorage)),
        ];
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The detectors this masker knows, in the order they win a tie.</summary>
    public IReadOnlyList<PiiDetector> Detectors => _detectors;

    /// <summary>Masks <paramref name="text"/> by the rule set of <paramref name="direction"/>.</summary>
    /// <param name="text">The text about to leave.</param>
    /// <param name="direction">Where it is going (chooses the rule set; named in the audit).</param>
    /// <param name="placeholders">
    /// In placeholder mode, the turn's map, so that every text of one turn shares its placeholders; null starts a new map
    /// (returned in <see cref="MaskResult.Placeholders"/>). Ignored in the other modes.
    /// </param>
    public MaskResult Mask(string text, MaskingDirection direction, PlaceholderMap? placeholders = null)
    {
        if ((uint)direction >= (uint)_directions.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown masking direction.");
        }

        return Mask(text, _directions[(int)direction], direction, placeholders, null);
    }

    /// <summary>
    /// Masks <paramref name="text"/> by the rule set of <paramref name="direction"/>, writing each replacement through
    /// <paramref name="literal"/> (a platform's markdown escape, so that the stars of <c>159****4321</c> show as stars).
    /// The audit is the same as without it.
    /// </summary>
    /// <param name="text">The text about to leave.</param>
    /// <param name="direction">Where it is going.</param>
    /// <param name="literal">How the destination shows a replacement literally; null writes it as it is.</param>
    public MaskResult Mask(string text, MaskingDirection direction, ReplacementLiteral? literal)
    {
        if ((uint)direction >= (uint)_directions.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown masking direction.");
        }

        return Mask(text, _directions[(int)direction], direction, null, literal);
    }

    /// <summary>Masks <paramref name="text"/> by <paramref name="rules"/> instead of the options' rule set for the direction.</summary>
    /// <param name="text">The text about to leave.</param>
    /// <param name="rules">The detectors to run and the mode.</param>
    /// <param name="direction">Where it is going (named in the audit).</param>
    /// <param name="placeholders">In placeholder mode, the turn's map; null starts a new one.</param>
    /// <exception cref="ArgumentException"><paramref name="rules"/> names a detector this masker does not know.</exception>
    public MaskResult Mask(string text, MaskingRuleSet rules, MaskingDirection direction, PlaceholderMap? placeholders = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return Mask(text, Resolve(rules, nameof(rules)), direction, placeholders, null);
    }

    /// <summary>
    /// Where the end of <paramref name="text"/>, a text still being written, could hold the start of a value that the rule set
    /// of <paramref name="direction"/> masks: the index from which it must be held back (the text's length when nothing
    /// needs to be). Used by <see cref="PiiStreamMasker"/>.
    /// </summary>
    internal int PendingStart(ReadOnlySpan<char> text, MaskingDirection direction)
    {
        var rules = _directions[(int)direction];
        if (rules.Detectors.Length == 0)
        {
            return text.Length;
        }

        // Each rule holds back a tail of the text it is given; what it leaves is decided whatever follows. A link is written
        // inert from its first changed character once a value turns up in it, so a number held back inside a link leaves
        // the link's start undecided too: the rules take turns on what the others left until none holds back more.
        var inert = RendersLinksInert(direction);
        var end = text.Length;
        while (true)
        {
            var start = inert ? InertLinks.PendingStart(text[..end]) : end;
            var judged = start;
            foreach (var index in rules.Detectors)
            {
                start = Math.Min(start, _detectors[index].PendingStart(text[..judged]));
            }

            if (start == end)
            {
                return start;
            }

            end = start;
        }
    }

    /// <summary>Whether a link holding a masked value is written inert in <paramref name="direction"/>: toward people, not toward the backend.</summary>
    private static bool RendersLinksInert(MaskingDirection direction) => direction != MaskingDirection.ToBackend;

    /// <summary>The mode of <paramref name="direction"/>'s rule set.</summary>
    internal MaskingMode ModeOf(MaskingDirection direction) => _directions[(int)direction].Mode;

    private MaskResult Mask(string text, ResolvedRules rules, MaskingDirection direction, PlaceholderMap? placeholders, ReplacementLiteral? literal)
    {
        ArgumentNullException.ThrowIfNull(text);
        var map = rules.Mode == MaskingMode.Placeholder ? placeholders ?? new PlaceholderMap() : null;
        if (rules.Detectors.Length == 0 || text.AsSpan().IndexOfAny(Triggers) < 0)
        {
            return new MaskResult(text, map, []);
        }

        var candidates = t_candidates ??= [];
        var spans = t_spans ??= [];
        candidates.Clear();
        try
        {
            Detect(text, rules, candidates, spans);
            if (candidates.Count == 0)
            {
                return new MaskResult(text, map, []);
            }

            return Build(text, rules.Mode, direction, map, candidates, literal);
        }
        finally
        {
            candidates.Clear();
            spans.Clear();
        }
    }

    private void Detect(string text, ResolvedRules rules, List<Candidate> candidates, List<PiiSpan> spans)
    {
        List<PiiSpan>? urls = null;
        foreach (var index in rules.Detectors)
        {
            var detector = _detectors[index];
            spans.Clear();
            detector.Find(text, spans);
            foreach (var span in spans)
            {
                if (span.Start < 0 || span.Length <= 0 || span.Start + span.Length > text.Length)
                {
                    throw new InvalidOperationException($"Detector '{detector.Name}' reported a span outside the text ({span.Start}, {span.Length}).");
                }

                if (detector.SkipsUrls && InsideUrlOutsideQuery(text, span, ref urls))
                {
                    continue;
                }

                candidates.Add(new Candidate(span.Start, span.Length, index));
            }
        }

        // Earliest first; at one start the longest; at one span the detector listed first. Overlapping later ones lose.
        candidates.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start)
            : a.Length != b.Length ? b.Length.CompareTo(a.Length)
            : a.Detector.CompareTo(b.Detector));
        var kept = 0;
        var end = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            if (candidate.Start >= end)
            {
                candidates[kept++] = candidate;
                end = candidate.Start + candidate.Length;
            }
        }

        candidates.RemoveRange(kept, candidates.Count - kept);
    }

    private MaskResult Build(string text, MaskingMode mode, MaskingDirection direction, PlaceholderMap? map, List<Candidate> candidates, ReplacementLiteral? literal)
    {
        var replacements = new string[candidates.Count];
        var audit = new PiiAuditEntry[candidates.Count];
        Span<int> counts = stackalloc int[_detectors.Length];
        var hmac = Interlocked.Exchange(ref _spareHmac, null) ?? IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        Dictionary<(int, string), string>? fingerprints = null;
        try
        {
            for (var i = 0; i < candidates.Count; i++)
            {
                var (start, matched, index) = candidates[i];
                var detector = _detectors[index];
                var value = text.AsSpan(start, matched);
                var normalized = detector.Normalize(value);
                string? placeholder = null;
                replacements[i] = mode switch
                {
                    MaskingMode.Placeholder => placeholder = map!.GetOrAdd(detector.Label, normalized, value.ToString(), text),
                    MaskingMode.Redact => $"[{detector.Label}]",
                    _ => detector.DisplayMask(value),
                };
                counts[index]++;

                // A value repeated in one text is fingerprinted once.
                fingerprints ??= [];
                if (!fingerprints.TryGetValue((index, normalized), out var fingerprint))
                {
                    fingerprint = fingerprints[(index, normalized)] = Fingerprint(hmac, detector.Name, normalized);
                }

                audit[i] = new PiiAuditEntry(detector.Name, direction, mode, start, matched, fingerprint, placeholder);
            }
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _spareHmac, hmac, null) is not null)
            {
                hmac.Dispose();
            }
        }

        var edits = Edits(text, candidates, replacements, literal, RendersLinksInert(direction));
        var length = text.Length;
        foreach (var edit in edits)
        {
            length += edit.Text.Length - (edit.End - edit.Start);
        }

        var masked = string.Create(length, (text, edits), static (destination, state) =>
        {
            var (source, edits) = state;
            var position = 0;
            foreach (var edit in edits)
            {
                source.AsSpan(position, edit.Start - position).CopyTo(destination);
                destination = destination[(edit.Start - position)..];
                edit.Text.CopyTo(destination);
                destination = destination[edit.Text.Length..];
                position = edit.End;
            }

            source.AsSpan(position).CopyTo(destination);
        });

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Masked(_logger, candidates.Count, direction, mode, Summary(counts));
        }

        return new MaskResult(masked, map, audit);
    }

    /// <summary>
    /// What replaces what, in order: each value by its replacement, written through <paramref name="literal"/>; with
    /// <paramref name="inertLinks"/>, each link holding a value by the link masked and defanged (<see cref="InertLinks"/>),
    /// whole through the literal, so that the platform shows its brackets, stars and underscores as written.
    /// </summary>
    private static List<Edit> Edits(string text, List<Candidate> candidates, string[] replacements, ReplacementLiteral? literal, bool inertLinks)
    {
        var edits = new List<Edit>(candidates.Count);
        var urls = inertLinks ? InertLinks.Find(text) : [];
        var u = 0;
        for (var i = 0; i < candidates.Count;)
        {
            var (start, length, _) = candidates[i];
            while (u < urls.Count && urls[u].Start + urls[u].Length <= start)
            {
                u++;
            }

            if (u == urls.Count || urls[u].Start >= start + length)
            {
                var replacement = replacements[i];
                edits.Add(new Edit(start, start + length, literal is null ? replacement : literal(replacement, text.AsSpan(0, start))));
                i++;
                continue;
            }

            // The values in this link (and any running past its end), then the whole of it written inert.
            var url = urls[u++];
            var first = i;
            var valuesEnd = start + length;
            while (i < candidates.Count && candidates[i].Start < Math.Max(url.Start + url.Length, valuesEnd))
            {
                valuesEnd = Math.Max(valuesEnd, candidates[i].Start + candidates[i].Length);
                i++;
            }

            var region = InertLinks.RegionOf(text, url, start, valuesEnd);
            var masked = new StringBuilder(region.BodyEnd - region.BodyStart + 16);
            var position = region.BodyStart;
            for (var k = first; k < i; k++)
            {
                masked.Append(text, position, candidates[k].Start - position).Append(replacements[k]);
                position = candidates[k].Start + candidates[k].Length;
            }

            var inert = InertLinks.Defang(masked.Append(text, position, region.BodyEnd - position).ToString());
            edits.Add(new Edit(region.Start, region.End, region.Lead + (literal is null ? inert : literal(inert, text.AsSpan(0, region.Start)))));

            // Links are taken in order; one that ended inside the values just written is part of them.
            while (u < urls.Count && urls[u].Start < region.End)
            {
                u++;
            }
        }

        return edits;
    }

    private static string Fingerprint(IncrementalHash hmac, string detector, string normalized)
    {
        var length = Encoding.UTF8.GetMaxByteCount(detector.Length + 1 + normalized.Length);
        var rented = length <= 512 ? null : ArrayPool<byte>.Shared.Rent(length);
        Span<byte> input = rented ?? stackalloc byte[512];
        try
        {
            var n = Encoding.UTF8.GetBytes(detector, input);
            input[n++] = (byte)':';
            n += Encoding.UTF8.GetBytes(normalized, input[n..]);
            hmac.AppendData(input[..n]);
            Span<byte> hash = stackalloc byte[32];
            hmac.GetHashAndReset(hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
            else
            {
                input.Clear();
            }
        }
    }

    private string Summary(ReadOnlySpan<int> counts)
    {
        var parts = new List<string>();
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                parts.Add($"{_detectors[i].Name}={counts[i]}");
            }
        }

        return string.Join(", ", parts);
    }

    // Inside a URL but outside its query string: the scheme, host and path (record ids, which masking would break) and the
    // fragment. A query's values are scanned: a query parameter is where CRMs and forms put a customer's number.
    private static bool InsideUrlOutsideQuery(string text, PiiSpan span, ref List<PiiSpan>? urls)
    {
        urls ??= InertLinks.Find(text);
        foreach (var url in urls)
        {
            var end = url.Start + url.Length;
            if (span.Start >= end || url.Start >= span.Start + span.Length)
            {
                continue;
            }

            var query = text.IndexOf('?', url.Start, url.Length);
            var fragment = query < 0 ? -1 : text.IndexOf('#', query, end - query);
            var queryStart = query < 0 ? end : query + 1;
            var queryEnd = fragment < 0 ? end : fragment;
            if (span.Start < queryStart || span.Start + span.Length > queryEnd)
            {
                return true;
            }
        }

        return false;
    }

    private ResolvedRules Resolve(MaskingRuleSet? rules, string what)
    {
        if (rules is null)
        {
            throw new ArgumentException($"The masking rule set {what} is null; use MaskingRuleSet.Off() to mask nothing.", nameof(rules));
        }

        if (!Enum.IsDefined(rules.Mode))
        {
            throw new ArgumentException($"The masking rule set {what} has an unknown mode ({rules.Mode}); use Display, Placeholder or Redact.", nameof(rules));
        }

        var indices = new List<int>();
        foreach (var name in rules.Detectors ?? [])
        {
            if (!_detectorIndex.TryGetValue(name, out var index))
            {
                throw new ArgumentException(
                    $"The masking rule set {what} names the detector '{name}', which is not in MaskingOptions.Detectors (known: {string.Join(", ", _detectorIndex.Keys)}).",
                    nameof(rules));
            }

            if (!indices.Contains(index))
            {
                indices.Add(index);
            }
        }

        return new ResolvedRules(rules.Mode, [.. indices]);
    }

    private readonly record struct Candidate(int Start, int Length, int Detector);

    /// <summary>The text from <paramref name="Start"/> to <paramref name="End"/> is written as <paramref name="Text"/>.</summary>
    private readonly record struct Edit(int Start, int End, string Text);

    private sealed record ResolvedRules(MaskingMode Mode, int[] Detectors);
}
