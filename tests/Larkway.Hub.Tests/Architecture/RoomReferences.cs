using System.Reflection;
using System.Reflection.Emit;

namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// What the Hub's code refers to, read from the compiled assembly: base types, interfaces, fields, attributes, method
/// signatures, and every type, field and method a method body names (its IL tokens, resolved through reflection) — so a
/// reference written as a fully qualified name or only inside a lambda counts as well. Each reference is placed in the
/// source file that makes it (<see cref="HubSources"/>): a method body's by the sequence point over the instruction, a
/// signature's by the method's file, a base type's, a field's or a type's attribute's by the declaring type's files (each
/// of them, for a partial type).
/// </summary>
internal static class RoomReferences
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every reference of the Hub's code, read once for all the tests.</summary>
    public static readonly Lazy<IReadOnlyList<Reference>> All = new(() => Read(HubSources.Hub.Value));

    /// <summary>Every reference from one room to another: (from, to) → what makes it, as "Referrer → Referred (file)".</summary>
    public static Dictionary<(string From, string To), SortedSet<string>> Of(HubSources sources)
    {
        var edges = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var reference in All.Value)
        {
            var from = HubSources.RoomOf(reference.File);
            foreach (var to in sources.RoomsOf(reference.To).Where(to => to != from))
            {
                if (!edges.TryGetValue((from, to), out var why))
                {
                    edges[(from, to)] = why = new SortedSet<string>(StringComparer.Ordinal);
                }

                why.Add($"{NameOf(reference.From)} → {NameOf(reference.To)} ({reference.File})");
            }
        }

        return edges;
    }

    /// <summary>The outermost declaring type: a lambda's closure or an async state machine belongs to the type that wrote it.</summary>
    public static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    /// <summary>A type's name as a reference shows it: the outermost type's full name, without generic arguments.</summary>
    public static string NameOf(Type type)
    {
        type = Outermost(type);
        return (type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName ?? type.Name;
    }

    /// <summary>Every reference of every type, read in parallel (the types share nothing while read).</summary>
    private static List<Reference> Read(HubSources sources)
    {
        var all = new HashSet<Reference>();
        Parallel.ForEach(
            sources.Types,
            () => new HashSet<Reference>(),
            (type, _, found) =>
            {
                Read(sources, type, found);
                return found;
            },
            found =>
            {
                lock (all)
                {
                    all.UnionWith(found);
                }
            });
        return [.. all];
    }

    private static void Read(HubSources sources, Type type, HashSet<Reference> found)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var from = Outermost(type);

        void Add(IReadOnlyCollection<string> files, IEnumerable<Type?> referred)
        {
            foreach (var to in referred.SelectMany(Expand))
            {
                foreach (var file in files)
                {
                    found.Add(new Reference(file, from, to));
                }
            }
        }

        var files = sources.FilesOf(type);
        Add(files, [type.BaseType, .. type.GetInterfaces(), .. AttributeTypes(type.GetCustomAttributesData())]);
        foreach (var field in type.GetFields(All))
        {
            Add(files, [field.FieldType, .. AttributeTypes(field.GetCustomAttributesData())]);
        }

        foreach (var property in type.GetProperties(All))
        {
            var accessor = property.GetMethod ?? property.SetMethod;
            Add(accessor is null ? files : sources.FilesOf(accessor), AttributeTypes(property.GetCustomAttributesData()));
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            var parameters = method.GetParameters();
            Add(sources.FilesOf(method),
            [
                (method as MethodInfo)?.ReturnType,
                .. parameters.Select(p => p.ParameterType),
                .. AttributeTypes(method.GetCustomAttributesData()),
                .. parameters.SelectMany(p => AttributeTypes(p.GetCustomAttributesData())),
                .. method is MethodInfo m ? AttributeTypes(m.ReturnParameter.GetCustomAttributesData()) : [],
            ]);
            foreach (var (offset, referred) in TypesInBody(method))
            {
                Add(sources.FilesAt(method, offset), [referred]);
            }
        }
    }

    /// <summary>An attribute's type and the types its arguments name (typeof(…), also inside arrays).</summary>
    private static IEnumerable<Type> AttributeTypes(IEnumerable<CustomAttributeData> attributes)
    {
        static IEnumerable<Type> Of(CustomAttributeTypedArgument argument) => argument.Value switch
        {
            Type t => [t],
            IEnumerable<CustomAttributeTypedArgument> items => items.SelectMany(Of),
            _ => [],
        };

        foreach (var attribute in attributes)
        {
            yield return attribute.AttributeType;
            foreach (var t in attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(n => n.TypedValue)).SelectMany(Of))
            {
                yield return t;
            }
        }
    }

    /// <summary>The types whose members or tokens a method's IL names, each with the offset of the instruction that names it.</summary>
    private static IEnumerable<(int Offset, Type Type)> TypesInBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            var start = at;
            var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    foreach (var t in Resolve(method.Module, BitConverter.ToInt32(il, at), typeArgs, methodArgs))
                    {
                        yield return (start, t);
                    }

                    at += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + (4 * BitConverter.ToInt32(il, at));
                    break;
                default:
                    at += 4;
                    break;
            }
        }
    }

    private static IEnumerable<Type> Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        MemberInfo? member;
        try
        {
            member = module.ResolveMember(token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            yield break;
        }

        switch (member)
        {
            case Type t:
                yield return t;
                break;
            case FieldInfo f:
                yield return f.DeclaringType!;
                yield return f.FieldType;
                break;
            case MethodBase m:
                yield return m.DeclaringType!;
                if (m is MethodInfo { IsGenericMethod: true } generic)
                {
                    foreach (var a in generic.GetGenericArguments())
                    {
                        yield return a;
                    }
                }

                break;
        }
    }

    /// <summary>A type and the types it is made of: element types and generic arguments.</summary>
    private static IEnumerable<Type> Expand(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var t in Expand(type.GetElementType()))
            {
                yield return t;
            }

            yield break;
        }

        yield return type;
        if (type.IsConstructedGenericType)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return t;
            }
        }
    }
}

/// <summary>A reference from a source file (its path under src/Larkway.Hub) of type From's code to type To.</summary>
internal sealed record Reference(string File, Type From, Type To);
