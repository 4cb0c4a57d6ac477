using System.Reflection;
using Larkway.Hub.Apps;

namespace Larkway.Hub.Tests.Architecture;

/// <summary>
/// The stored-app list and the client cache every room builds on are every platform's: no platform library's type (a
/// client, its factory, its endpoint options) shows in their fields, constructors, members or events — each platform's
/// clients live in its room (Feishu's in <c>Feishu/HubFeishuClients.cs</c>).
/// </summary>
public sealed class StoredAppListTests
{
    [Theory]
    [InlineData(typeof(HubAppRegistry))]
    [InlineData(typeof(StoredAppClients<>))]
    public void Names_no_platform_librarys_type(Type shared)
    {
        var named = Signature(shared).SelectMany(Expand).Where(IsPlatformLibrarys).Select(t => t.FullName).Distinct().ToList();

        named.ShouldBeEmpty($"{shared.Name} is shared by every platform: move what builds on a platform's library to its room");
    }

    private static bool IsPlatformLibrarys(Type type) =>
        type.Assembly.GetName().Name is { } name && name.StartsWith("Larkway.", StringComparison.Ordinal) && name != typeof(HubAppRegistry).Assembly.GetName().Name;

    private static IEnumerable<Type> Signature(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var field in type.GetFields(All))
        {
            yield return field.FieldType;
        }

        foreach (var @event in type.GetEvents(All))
        {
            yield return @event.EventHandlerType!;
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo info)
            {
                yield return info.ReturnType;
            }

            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }
        }
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        Type[] inner = type.HasElementType ? [type.GetElementType()!] : type.IsGenericType ? type.GetGenericArguments() : [];
        foreach (var argument in inner.SelectMany(Expand))
        {
            yield return argument;
        }
    }
}
