namespace Larkway.Channels.Tests.Backends.Wire;

/// <summary>
/// Dify's service API wire shapes as its documentation gives them (the chat and chatflow app API pages: the
/// ChunkChatCompletionResponse events, the blocking ChatCompletionResponse, error answers <c>{code, message, status}</c>),
/// and the <c>event: ping</c> line its server writes between chunks.
/// </summary>
internal static class DifyShapes
{
    public const string Usage = """{"prompt_tokens": 1033, "prompt_unit_price": "0.001", "prompt_price_unit": "0.001", "prompt_price": "0.0010330", "completion_tokens": 135, "completion_unit_price": "0.002", "completion_price_unit": "0.001", "completion_price": "0.0002700", "total_tokens": 1168, "total_price": "0.0013030", "currency": "USD", "latency": 1.381760165997548}""";

    public static string Message(string task, string message, string conversation, string answer) =>
        $$$"""{"event": "message", "task_id": "{{{task}}}", "message_id": "{{{message}}}", "conversation_id": "{{{conversation}}}", "answer": {{{Json(answer)}}}, "created_at": 1705398420}""";

    public static string AgentMessage(string task, string message, string conversation, string answer) =>
        $$$"""{"event": "agent_message", "task_id": "{{{task}}}", "message_id": "{{{message}}}", "conversation_id": "{{{conversation}}}", "answer": {{{Json(answer)}}}, "created_at": 1705398420}""";

    public static string AgentThought(string task, string message, string conversation, int position, string thought, string tool, string toolInput = "", string observation = "") =>
        $$$"""{"event": "agent_thought", "id": "thought-{{{position}}}", "task_id": "{{{task}}}", "message_id": "{{{message}}}", "position": {{{position}}}, "thought": {{{Json(thought)}}}, "observation": {{{Json(observation)}}}, "tool": {{{Json(tool)}}}, "tool_input": {{{Json(toolInput)}}}, "created_at": 1705395332, "message_files": [], "conversation_id": "{{{conversation}}}"}""";

    public static string MessageFile(string conversation, string id, string url) =>
        $$$"""{"event": "message_file", "id": "{{{id}}}", "type": "image", "belongs_to": "assistant", "url": {{{Json(url)}}}, "conversation_id": "{{{conversation}}}"}""";

    public static string MessageReplace(string task, string message, string conversation, string answer) =>
        $$$"""{"event": "message_replace", "task_id": "{{{task}}}", "message_id": "{{{message}}}", "conversation_id": "{{{conversation}}}", "answer": {{{Json(answer)}}}, "created_at": 1705398420}""";

    public static string MessageEnd(string task, string message, string conversation) =>
        $$$"""{"event": "message_end", "task_id": "{{{task}}}", "message_id": "{{{message}}}", "conversation_id": "{{{conversation}}}", "metadata": {"usage": {{{Usage}}}, "retriever_resources": []}}""";

    /// <summary>The documentation's own <c>message_end</c> example names the message <c>id</c>, without <c>task_id</c>.</summary>
    public static string MessageEndWithIdOnly(string id, string conversation) =>
        $$$"""{"event": "message_end", "id": "{{{id}}}", "conversation_id": "{{{conversation}}}", "metadata": {"usage": {{{Usage}}}, "retriever_resources": []}}""";

    public static string TtsMessage(string task, string message, string conversation) =>
        $$$"""{"event": "tts_message", "conversation_id": "{{{conversation}}}", "message_id": "{{{message}}}", "created_at": 1721205487, "task_id": "{{{task}}}", "audio": "qqqqqqqq"}""";

    public static string Error(string task, string message, int status, string code, string text) =>
        $$$"""{"event": "error", "task_id": "{{{task}}}", "message_id": "{{{message}}}", "status": {{{status}}}, "code": "{{{code}}}", "message": {{{Json(text)}}}}""";

    public static string WorkflowStarted(string task) =>
        $$$"""{"event": "workflow_started", "task_id": "{{{task}}}", "workflow_run_id": "run-1", "data": {"id": "run-1", "workflow_id": "wf-1", "sequence_number": 1, "created_at": 1679586595}}""";

    public static string NodeStarted(string task) =>
        $$$"""{"event": "node_started", "task_id": "{{{task}}}", "workflow_run_id": "run-1", "data": {"id": "run-1", "node_id": "n1", "node_type": "llm", "title": "LLM", "index": 1, "predecessor_node_id": "start", "inputs": {}, "created_at": 1679586595}}""";

    public static string NodeFinished(string task) =>
        $$$"""{"event": "node_finished", "task_id": "{{{task}}}", "workflow_run_id": "run-1", "data": {"id": "run-1", "node_id": "n1", "node_type": "llm", "title": "LLM", "index": 1, "inputs": {}, "outputs": {}, "status": "succeeded", "elapsed_time": 0.324, "execution_metadata": {"total_tokens": 63, "total_price": 2.378, "currency": "USD"}, "created_at": 1679586595}}""";

    public static string WorkflowFinished(string task) =>
        $$$"""{"event": "workflow_finished", "task_id": "{{{task}}}", "workflow_run_id": "run-1", "data": {"id": "run-1", "workflow_id": "wf-1", "outputs": {}, "status": "succeeded", "elapsed_time": 0.324, "total_tokens": 63, "total_steps": "1", "created_at": 1679586595, "finished_at": 1679976595}}""";

    public static string Blocking(string task, string message, string conversation, string answer) =>
        $$$"""{"event": "message", "task_id": "{{{task}}}", "id": "{{{message}}}", "message_id": "{{{message}}}", "conversation_id": "{{{conversation}}}", "mode": "chat", "answer": {{{Json(answer)}}}, "metadata": {"usage": {{{Usage}}}, "retriever_resources": []}, "created_at": 1705407629}""";

    public static string ErrorBody(int status, string code, string message) =>
        $$$"""{"code": "{{{code}}}", "message": {{{Json(message)}}}, "status": {{{status}}}}""";

    public const string ConversationNotExists = """{"code": "not_found", "message": "Conversation Not Exists.", "status": 404}""";

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
