using System.Reflection;
using System.Reflection.Emit;

namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// Which of the Hub's rooms each room's code refers to, read from the compiled assembly: base types, interfaces, fields,
/// method signatures, and every type, field and method a method body names (its IL tokens, resolved through
/// reflection) — so a reference written as a fully qualified name or only inside a lambda counts as well.
/// </summary>
internal static class RoomReferences
{
    public const string Root = "(composition root)";

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every reference from one room to another: (from, to) → the types that make it, as "Referrer → Referred".</summary>
    public static Dictionary<(string From, string To), SortedSet<string>> Of(Assembly hub)
    {
        var edges = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var type in hub.GetTypes())
        {
            if (RoomOf(type) is not { } from)
            {
                continue;
            }

            foreach (var referred in ReferencedTypes(type).SelectMany(Expand).Distinct())
            {
                if (RoomOf(referred) is { } to && to != from && referred.Assembly == hub)
                {
                    if (!edges.TryGetValue((from, to), out var why))
                    {
                        edges[(from, to)] = why = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    why.Add($"{Outermost(type).FullName} → {Outermost(referred).FullName}");
                }
            }
        }

        return edges;
    }

    /// <summary>The room of a type: the folder under Larkway.Hub its namespace names; the console's compiled Razor views are the console's.</summary>
    public static string? RoomOf(Type type)
    {
        var ns = Outermost(type).Namespace;
        if (ns == "AspNetCoreGeneratedDocument")
        {
            return "AdminConsole";
        }

        if (ns == "Larkway.Hub")
        {
            return Root;
        }

        return ns is not null && ns.StartsWith("Larkway.Hub.", StringComparison.Ordinal) ? ns.Split('.')[2] : null;
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

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var i in type.GetInterfaces())
        {
            yield return i;
        }

        foreach (var field in type.GetFields(All))
        {
            yield return field.FieldType;
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo m)
            {
                yield return m.ReturnType;
            }

            foreach (var p in method.GetParameters())
            {
                yield return p.ParameterType;
            }

            foreach (var t in TypesInBody(method))
            {
                yield return t;
            }
        }
    }

    /// <summary>The types whose members or tokens a method's IL names.</summary>
    private static IEnumerable<Type> TypesInBody(MethodBase method)
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
            var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    foreach (var t in Resolve(method.Module, BitConverter.ToInt32(il, at), typeArgs, methodArgs))
                    {
                        yield return t;
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
