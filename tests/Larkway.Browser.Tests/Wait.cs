using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Browser.Tests;

/// <summary>
/// Waits for what the Hub does in the background; a hang guard of 90 s, never a timing assertion — generous because CI
/// runs these tests beside the Integration tests on two cores, where a directory read over three apps took over 30 s.
/// </summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The approval card the Hub sent to <paramref name="openId"/> for the approval, once it is in their chat with the bot.</summary>
    public static async Task<EmulatorMessage> ForApprovalCardAsync(EmulatorServer emulator, string openId, string approvalId)
    {
        EmulatorMessage? card = null;
        await UntilAsync(() => Task.FromResult((card = emulator.State.Chats.Where(c => c.ChatMode == "p2p" && c.HasMember(openId))
            .SelectMany(c => emulator.State.MessagesIn(c.ChatId))
            .FirstOrDefault(m => m.MsgType == "interactive" && m.SendContent.Contains(approvalId, StringComparison.Ordinal))) is not null), $"the approval card to {openId}");
        return card!;
    }
}
