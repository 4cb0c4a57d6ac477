using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Runtime.CompilerServices;
using Larkway.Hub.Platform.Configuration;

namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// Where each piece of the compiled Hub was written, read from its portable PDB (Larkway.Hub.pdb beside the assembly,
/// the SDK's default in every configuration): a method's source file from its sequence points, down to the IL offset; a
/// type's files from its methods' and, for a type without method bodies (an interface, an enum, a record of fields), from
/// the TypeDefinitionDocuments record the C# compiler writes for it. A file is named by its path under src/Larkway.Hub;
/// its room is the first folder (<see cref="RoomOf(string)"/>). The namespace plays no part: the Add…/Map… extension
/// classes declared in Microsoft.Extensions.DependencyInjection or Microsoft.AspNetCore.Builder belong to the room whose
/// folder holds them.
/// <para>What has no source file of its own:</para>
/// <list type="bullet">
/// <item>Code a source generator wrote (a document under obj/, or named by the generator rather than by a path: the
/// JSON contexts' members, the request delegate generator's interceptors, GeneratedRegex's helpers) belongs to the type
/// whose source declared it, in that type's files; a type only a generator declares belongs to no room (what it names,
/// the room's code that asked for it names too: the JSON context's attributes, the Map… call's lambda).</item>
/// <item>Razor pages and views are placed by their .cshtml, which the PDB names through the generated code's #line
/// mappings (so a platform room's partial view, DingTalk/Console/_DingTalkAppFields.cshtml, is that room's); a page with no
/// code of its own (SignOut, _ViewImports) by the .cshtml its RazorCompiledItemMetadata names.</item>
/// <item>A nested type with no file of its own (a lambda's closure that only holds fields) is its declaring type's.</item>
/// <item>A type the compiler makes up with no source at all (&lt;PrivateImplementationDetails&gt;, anonymous types, the
/// embedded attributes such as NullableAttribute) belongs to no room.</item>
/// <item>Source linked in from src/Shared (the client libraries' Backoff) belongs to no room: it is the libraries'.</item>
/// </list>
/// Any other type without a file is in <see cref="Unplaced"/>, and the tests fail naming it.
/// </summary>
internal sealed class HubSources
{
    /// <summary>The room of the files at the top of src/Larkway.Hub (HubApp.cs, Program.cs, …), which wire the rooms together.</summary>
    public const string Root = "(composition root)";

    private static readonly Guid TypeDefinitionDocuments = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

    public static readonly Lazy<HubSources> Hub = new(() => new HubSources(typeof(HubSettings).Assembly));

    /// <summary>A method's sequence points by IL offset, each with its file (null: generated or linked code).</summary>
    private readonly Dictionary<int, (int Offset, string? File)[]> points = [];

    /// <summary>The source files each type's own methods and TypeDefinitionDocuments name.</summary>
    private readonly Dictionary<Type, SortedSet<string>> ownFiles = [];

    private HubSources(Assembly hub)
    {
        Assembly = hub;
        var pdbPath = Path.ChangeExtension(hub.Location, ".pdb");
        if (!File.Exists(pdbPath))
        {
            throw new InvalidOperationException($"{pdbPath} is missing: the Hub must be built with a portable PDB beside it");
        }

        using var stream = File.OpenRead(pdbPath);
        using var provider = MetadataReaderProvider.FromPortablePdbStream(stream, MetadataStreamOptions.PrefetchMetadata);
        var pdb = provider.GetMetadataReader();
        var documents = pdb.Documents.ToDictionary(h => h, h => Classify(pdb.GetString(pdb.GetDocument(h).Name)));
        var unknown = documents.Values.Where(d => d.Kind == DocumentKind.Unknown).Select(d => d.Path).ToList();

        Types = hub.GetTypes();
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var hasDocuments = new HashSet<Type>();
        foreach (var type in Types)
        {
            var files = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                var info = pdb.GetMethodDebugInformation(MetadataTokens.MethodDefinitionHandle(method.MetadataToken & 0xFFFFFF));
                if (info.SequencePointsBlob.IsNil)
                {
                    continue;
                }

                var at = info.GetSequencePoints().Select(p => (p.Offset, documents[p.Document].File)).ToArray();
                if (at.Length == 0)
                {
                    continue;
                }

                hasDocuments.Add(type);
                points[method.MetadataToken] = at;
                files.UnionWith(at.Where(p => p.File is not null).Select(p => p.File!));
            }

            ownFiles[type] = files;
        }

        foreach (var handle in pdb.CustomDebugInformation)
        {
            var cdi = pdb.GetCustomDebugInformation(handle);
            if (cdi.Parent.Kind != HandleKind.TypeDefinition || pdb.GetGuid(cdi.Kind) != TypeDefinitionDocuments)
            {
                continue;
            }

            var type = hub.ManifestModule.ResolveType(MetadataTokens.GetToken(cdi.Parent));
            var blob = pdb.GetBlobReader(cdi.Value);
            while (blob.RemainingBytes > 0)
            {
                var document = documents[MetadataTokens.DocumentHandle(blob.ReadCompressedInteger())];
                hasDocuments.Add(type);
                if (document.File is { } file)
                {
                    ownFiles[type].Add(file);
                }
            }
        }

        // A lambda's closure, an iterator's or an async method's state machine: its code is its declaring type's, whose own
        // method may hold no sequence point at all (an async method's stub).
        foreach (var type in Types.Where(t => t.DeclaringType is not null && t.Name.StartsWith('<') && hasDocuments.Contains(t)))
        {
            var writer = type.DeclaringType!;
            while (writer.Name.StartsWith('<') && writer.DeclaringType is { } outer)
            {
                writer = outer;
            }

            hasDocuments.Add(writer);
            ownFiles[writer].UnionWith(ownFiles[type]);
        }

        // A Razor page with no code of its own (SignOut, _ViewImports) has sequence points in its generated file only: it is
        // placed by the .cshtml the Razor compiler names in its metadata.
        foreach (var type in Types.Where(t => ownFiles[t].Count == 0))
        {
            var identifier = type.GetCustomAttributesData()
                .FirstOrDefault(a => a.AttributeType.FullName == "Microsoft.AspNetCore.Razor.Hosting.RazorCompiledItemMetadataAttribute"
                    && a.ConstructorArguments is [{ Value: "Identifier" }, { Value: string }])
                ?.ConstructorArguments[1].Value as string;
            if (identifier is not null)
            {
                ownFiles[type].Add(identifier.TrimStart('/'));
            }
        }

        Unplaced =
        [
            .. unknown.Select(p => $"a document the rules do not place: {p}"),
            .. Types.Where(t => t.DeclaringType is null && ownFiles[t].Count == 0 && !hasDocuments.Contains(t) && !MadeUpByTheCompiler(t))
                .Select(t => $"{t.FullName}: no source file"),
        ];
    }

    private enum DocumentKind
    {
        Source,
        Generated,
        Linked,
        Unknown,
    }

    public Assembly Assembly { get; }

    public IReadOnlyList<Type> Types { get; }

    /// <summary>The types no rule places, and documents no rule classifies: each fails the tests.</summary>
    public IReadOnlyList<string> Unplaced { get; }

    /// <summary>The room of a file under src/Larkway.Hub: its first folder, or <see cref="Root"/> for the files at the top.</summary>
    public static string RoomOf(string file) => file.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? file[..slash] : Root;

    /// <summary>
    /// The source files a type was written in: its own (its methods', and TypeDefinitionDocuments'), or if it has none and is
    /// nested, its declaring type's. None for a type of another assembly or one no room holds.
    /// </summary>
    public IReadOnlyCollection<string> FilesOf(Type type)
    {
        type = type.IsConstructedGenericType ? type.GetGenericTypeDefinition() : type;
        while (true)
        {
            if (type.Assembly != Assembly || !ownFiles.TryGetValue(type, out var files))
            {
                return [];
            }

            if (files.Count > 0 || type.DeclaringType is null)
            {
                return files;
            }

            type = type.DeclaringType;
        }
    }

    /// <summary>The rooms of a type's files.</summary>
    public IEnumerable<string> RoomsOf(Type type) => FilesOf(type).Select(RoomOf).Distinct();

    /// <summary>The files a method's sequence points name; its type's files when it has none of its own (no body, or generated).</summary>
    public IReadOnlyCollection<string> FilesOf(MethodBase method)
    {
        var own = points.TryGetValue(method.MetadataToken, out var at) && method.Module == Assembly.ManifestModule
            ? at.Where(p => p.File is not null).Select(p => p.File!).Distinct().ToList()
            : [];
        return own.Count > 0 ? own : FilesOf(method.DeclaringType!);
    }

    /// <summary>
    /// The file the IL at an offset of a method was written in: the file of the sequence point that covers it (the last at
    /// or before it, else the first); the method's type's files when that is generated code or the method has no points.
    /// </summary>
    public IReadOnlyCollection<string> FilesAt(MethodBase method, int offset)
    {
        if (!points.TryGetValue(method.MetadataToken, out var at) || method.Module != Assembly.ManifestModule)
        {
            return FilesOf(method.DeclaringType!);
        }

        var covering = at[0];
        foreach (var point in at)
        {
            if (point.Offset > offset)
            {
                break;
            }

            covering = point;
        }

        return covering.File is { } file ? [file] : FilesOf(method.DeclaringType!);
    }

    /// <summary>Types the compiler makes up, with no source: &lt;PrivateImplementationDetails&gt;, anonymous types, embedded attributes.</summary>
    private static bool MadeUpByTheCompiler(Type type) =>
        type.Name.StartsWith('<') || type.IsDefined(typeof(CompilerGeneratedAttribute), false);

    /// <summary>
    /// A document by its path: a source file under src/Larkway.Hub (not obj/); generated (under obj/, or a generator's
    /// name that is not a rooted path); linked in from src/Shared; anything else is unknown and fails.
    /// </summary>
    private static (DocumentKind Kind, string? File, string Path) Classify(string path)
    {
        var normal = path.Replace('\\', '/');
        const string Hub = "/src/Larkway.Hub/";
        var at = normal.LastIndexOf(Hub, StringComparison.Ordinal);
        if (at >= 0)
        {
            var file = normal[(at + Hub.Length)..];
            return file.StartsWith("obj/", StringComparison.Ordinal) ? (DocumentKind.Generated, null, path) : (DocumentKind.Source, file, path);
        }

        if (normal.Contains("/src/Shared/", StringComparison.Ordinal))
        {
            return (DocumentKind.Linked, null, path);
        }

        return normal.StartsWith('/') || (normal.Length > 1 && normal[1] == ':') ? (DocumentKind.Unknown, null, path) : (DocumentKind.Generated, null, path);
    }
}
