using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Bench.Ingest;

/// <summary>
/// <c>emulator [--info &lt;file&gt;]</c>: runs the Emulator as its own process for the Hub's and the node peer's
/// <c>FEISHU_BASE_URL</c>, prints its URL on the first line, and on SIGTERM/Ctrl+C prints how many API calls it
/// served. With <c>--info</c> it first writes the tenant the generator builds its messages from (tenant key, the
/// app's bot, the people and the group chats the bot is in) as JSON to that file.
/// </summary>
internal static class EmulatorCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });

        var options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        await using var emulator = await EmulatorServer.StartAsync(options);
        var info = args.SkipWhile(a => a != "--info").Skip(1).FirstOrDefault();
        if (info is not null)
        {
            await File.WriteAllTextAsync(info, JsonSerializer.Serialize(Describe(emulator.State, options.AppId), EmulatorInfo.Json));
        }

        Console.WriteLine(emulator.BaseUrl.ToString().TrimEnd('/'));
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        var calls = emulator.CallCounts;
        Console.WriteLine($"emulator: {calls.Values.Sum()} API calls served ({string.Join(", ", calls.Select(c => $"{c.Key}: {c.Value}"))})");
        return 0;
    }

    private static EmulatorInfo Describe(EmulatorState state, string appId)
    {
        var app = state.FindApp(appId) ?? throw new InvalidOperationException($"the Emulator has no app {appId}");
        var users = state.Users.Where(u => !u.IsResigned).Select(u => new EmulatorInfo.Person(u.OpenId, u.UnionId, u.UserId, u.Name)).ToList();
        var groups = state.Chats
            .Where(c => c.ChatMode == ChatModes.Group && c.BotAppIds.Contains(appId) && c.MemberOpenIds.Count > 0)
            .Select(c => new EmulatorInfo.Group(c.ChatId, [.. c.MemberOpenIds]))
            .ToList();
        return new EmulatorInfo(state.Tenant.TenantKey, app.AppId, app.AppSecret, new EmulatorInfo.Person(app.BotOpenId, "", "", app.BotName), users, groups);
    }
}

/// <summary>What the generator needs to know of the Emulator's tenant (written by <c>emulator --info</c>).</summary>
internal sealed record EmulatorInfo(string TenantKey, string AppId, string AppSecret, EmulatorInfo.Person Bot, IReadOnlyList<EmulatorInfo.Person> Users, IReadOnlyList<EmulatorInfo.Group> Groups)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static EmulatorInfo Read(string path) =>
        JsonSerializer.Deserialize<EmulatorInfo>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty");

    internal sealed record Person(string OpenId, string UnionId, string UserId, string Name);

    internal sealed record Group(string ChatId, IReadOnlyList<string> Members);
}
