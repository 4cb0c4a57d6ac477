using System.Text;

namespace Larkway.Channels.Backends.Internal;

/// <summary>A streamed answer gathered into one, the way a reader of the stream would show it.</summary>
internal static class AnswerCollector
{
    public static async Task<AssistantAnswer> CollectAsync(IAsyncEnumerable<AssistantUpdate> updates, string backend)
    {
        var text = new StringBuilder();
        var thoughts = new List<AssistantThought>();
        var restarted = false;
        await foreach (var update in updates.ConfigureAwait(false))
        {
            switch (update)
            {
                case AssistantTextDelta delta:
                    text.Append(delta.Text);
                    break;
                case AssistantAnswerReplaced replaced:
                    text.Clear().Append(replaced.Text);
                    break;
                case AssistantThought thought:
                    thoughts.Add(thought);
                    break;
                case AssistantConversationRestarted:
                    restarted = true;
                    break;
                case AssistantAnswerEnd end:
                    return new AssistantAnswer(text.ToString(), end, thoughts, restarted);
                case AssistantFailure failure:
                    throw new AssistantBackendException(backend, failure);
            }
        }

        throw new AssistantBackendException(backend, new AssistantFailure(AssistantFailureKind.Unavailable, "stream_incomplete", "The answer ended without an end."));
    }
}
