using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.Hosting;

/// <summary>
/// Every assembly keeps its log event ids in one table (LogEvents), and no two log messages share an id: an operator
/// filters and alerts on ids, so a collision makes two different events look like one.
/// </summary>
public sealed class LogEventIdTests
{
    public static TheoryData<string> Assemblies => new()
    {
        "Larkway.Feishu", "Larkway.Feishu.Events", "Larkway.Feishu.AspNetCore", "Larkway.Emulator", "Larkway.Hub", "Larkway.Channels",
    };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Every_log_message_has_its_own_id_from_the_table(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var table = assembly.GetTypes().Single(t => t.Name == "LogEvents");
        var tabled = table.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

        var messages = assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        messages.ShouldNotBeEmpty();
        var shared = messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        shared.ShouldBeEmpty();
        tabled.Values.Distinct().Count().ShouldBe(tabled.Count, "the table itself repeats an id");
        var untabled = messages.Where(m => !tabled.ContainsValue(m.Attribute!.EventId)).Select(m => $"{m.Method} ({m.Attribute!.EventId})").ToList();
        untabled.ShouldBeEmpty();
    }
}
