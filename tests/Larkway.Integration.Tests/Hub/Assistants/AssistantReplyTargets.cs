using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Replies;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>Reply targets for the platform reply tests: an assistant with a short update interval, and one turn's place.</summary>
internal static class AssistantReplyTargets
{
    private static long _turn;

    public static AssistantDefinition Assistant(string? dingTalkTemplate = null) => new()
    {
        Name = "helper",
        DisplayName = "Helper",
        Backend = AssistantPolicyValues.OpenAi,
        BaseUrl = "http://127.0.0.1:9/v1",
        ApiKey = "test-key",
        Model = "test-model",
        Apps = ["app"],
        Streaming = new AssistantStreamingSettings { UpdateIntervalMs = 100, AiCardTemplateId = dingTalkTemplate },
    };

    public static AssistantReplyTarget For(AssistantDefinition assistant, string app, string conversationId, string kind, string senderId, string? replyContext) =>
        new(assistant, Interlocked.Increment(ref _turn), app, conversationId, kind, null, "msg-" + Guid.NewGuid().ToString("N"), senderId, replyContext);

    /// <summary>Polls <paramref name="condition"/> every 50 ms for up to <paramref name="seconds"/> (a bound, not a timing assertion).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {seconds} s for {what}");
            }

            await Task.Delay(50);
        }
    }
}
