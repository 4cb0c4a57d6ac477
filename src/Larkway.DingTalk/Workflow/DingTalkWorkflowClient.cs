using System.Globalization;
using System.Text.Json;
using Larkway.DingTalk.Http;

namespace Larkway.DingTalk.Workflow;

/// <summary>
/// OA approvals on the new API (<c>/v1.0/workflow/…</c>; the app needs the workflow instance read/write
/// permissions): start an instance of a template (its <c>processCode</c>), read it, agree or refuse an approver's task,
/// terminate it, comment, list the ids started in a time window, read a template's form. Changes come back as the
/// events <c>bpms_instance_change</c> and <c>bpms_task_change</c> (<see cref="DingTalkWorkflowEvent"/>).
/// </summary>
public class DingTalkWorkflowClient
{
    /// <summary>DingTalk's largest page for <see cref="ListInstanceIdsAsync"/>.</summary>
    public const int MaxPageSize = 20;

    private const string InstancesPath = "/v1.0/workflow/processInstances";
    private const string ExecutePath = InstancesPath + "/execute";
    private const string TerminatePath = InstancesPath + "/terminate";
    private const string CommentsPath = InstancesPath + "/comments";
    private const string ListIdsPath = "/v1.0/workflow/processes/instanceIds/query";
    private const string SchemaPath = "/v1.0/workflow/forms/schemas/processCodes";

    private readonly DingTalkPipeline _pipeline = null!;

    internal DingTalkWorkflowClient(DingTalkPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected DingTalkWorkflowClient()
    {
    }

    /// <summary>Starts an approval and returns its instance id. Not retried after a timeout: a second send starts a second approval.</summary>
    public virtual async Task<string> StartAsync(DingTalkProcessStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentException.ThrowIfNullOrWhiteSpace(start.ProcessCode);
        ArgumentException.ThrowIfNullOrWhiteSpace(start.OriginatorUserId);
        ArgumentNullException.ThrowIfNull(start.FormComponentValues);
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, InstancesPath, InstancesPath)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(start, WorkflowJson.Default.DingTalkProcessStart),
        };
        var answer = await _pipeline.SendAsync(request, WorkflowJson.Default.StartAnswer, cancellationToken).ConfigureAwait(false);
        return answer.InstanceId ?? throw Malformed("POST", InstancesPath, "instanceId");
    }

    /// <summary>One approval: status, result, tasks, history and form.</summary>
    public virtual async Task<DingTalkProcessInstance> GetAsync(string processInstanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(processInstanceId);
        var request = new DingTalkRequest(HttpMethod.Get, DingTalkHost.Api, InstancesPath + "?processInstanceId=" + Uri.EscapeDataString(processInstanceId), InstancesPath) { Idempotent = true };
        var answer = await _pipeline.SendAsync(request, WorkflowJson.Default.InstanceAnswer, cancellationToken).ConfigureAwait(false);
        var result = answer.Result ?? throw Malformed("GET", InstancesPath, "result");
        return result with { Id = processInstanceId, Status = string.IsNullOrEmpty(result.Status) ? throw Malformed("GET", InstancesPath, "result.status") : result.Status };
    }

    /// <summary>
    /// <paramref name="actionerUserId"/> agrees (or refuses) their task <paramref name="taskId"/>. A task is done once,
    /// so a retried send that already landed is refused; it is therefore not retried after a timeout.
    /// </summary>
    public virtual Task ExecuteTaskAsync(string processInstanceId, long taskId, string actionerUserId, bool agree, string? remark = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(processInstanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(actionerUserId);
        var body = new ExecuteRequest(processInstanceId, taskId, actionerUserId, agree ? "agree" : "refuse", remark);
        return SendAsync(ExecutePath, JsonSerializer.SerializeToUtf8Bytes(body, WorkflowJson.Default.ExecuteRequest), idempotent: false, cancellationToken);
    }

    /// <summary>Terminates (withdraws) a running approval, as <paramref name="operatingUserId"/> or, when it is null, as the system.</summary>
    public virtual Task TerminateAsync(string processInstanceId, string? operatingUserId, string? remark = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(processInstanceId);
        var body = new TerminateRequest(processInstanceId, operatingUserId is null, operatingUserId, remark);
        return SendAsync(TerminatePath, JsonSerializer.SerializeToUtf8Bytes(body, WorkflowJson.Default.TerminateRequest), idempotent: false, cancellationToken);
    }

    /// <summary>Adds a comment by <paramref name="commentUserId"/> to an approval's history.</summary>
    public virtual Task AddCommentAsync(string processInstanceId, string commentUserId, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(processInstanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(commentUserId);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var body = new CommentRequest(processInstanceId, text, commentUserId);
        return SendAsync(CommentsPath, JsonSerializer.SerializeToUtf8Bytes(body, WorkflowJson.Default.CommentRequest), idempotent: false, cancellationToken);
    }

    /// <summary>
    /// One page (at most <see cref="MaxPageSize"/>) of the ids of <paramref name="processCode"/>'s instances started from
    /// <paramref name="start"/> to <paramref name="end"/> (now when null). Pass the page's <see cref="DingTalkInstanceIdPage.NextToken"/> for the next.
    /// </summary>
    public virtual async Task<DingTalkInstanceIdPage> ListInstanceIdsAsync(string processCode, DateTimeOffset start, DateTimeOffset? end = null, string? nextToken = null,
        int pageSize = MaxPageSize, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(processCode);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        long? token = null;
        if (!string.IsNullOrEmpty(nextToken))
        {
            // DingTalk answers the token as a string and takes it back as a number.
            token = long.TryParse(nextToken, NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t
                : throw new ArgumentException($"nextToken '{nextToken}' is not a token this listing returned.", nameof(nextToken));
        }

        var body = new ListIdsRequest(processCode, start.ToUnixTimeMilliseconds(), end?.ToUnixTimeMilliseconds(), token, pageSize);
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, ListIdsPath, ListIdsPath)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(body, WorkflowJson.Default.ListIdsRequest),
            Idempotent = true,
        };
        var answer = await _pipeline.SendAsync(request, WorkflowJson.Default.ListIdsAnswer, cancellationToken).ConfigureAwait(false);
        var result = answer.Result ?? throw Malformed("POST", ListIdsPath, "result");
        return new DingTalkInstanceIdPage(result.List ?? [], string.IsNullOrEmpty(result.NextToken) ? null : result.NextToken);
    }

    /// <summary>The form of template <paramref name="processCode"/>: each control's type, id, label and whether it is required.</summary>
    public virtual async Task<DingTalkFormSchema> GetFormSchemaAsync(string processCode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(processCode);
        var request = new DingTalkRequest(HttpMethod.Get, DingTalkHost.Api, SchemaPath + "?processCode=" + Uri.EscapeDataString(processCode), SchemaPath) { Idempotent = true };
        var answer = await _pipeline.SendAsync(request, WorkflowJson.Default.SchemaAnswer, cancellationToken).ConfigureAwait(false);
        var result = answer.Result ?? throw Malformed("GET", SchemaPath, "result");
        return new DingTalkFormSchema(result.Name, result.FormCode, Components(result.SchemaContent?.Items));
    }

    // A table control (TableField) lists its columns as children; a select control its options as {key, value}.
    private static DingTalkFormComponent[] Components(IReadOnlyList<SchemaItem>? items) => [.. (items ?? []).Select(Component)];

    private static DingTalkFormComponent Component(SchemaItem item)
    {
        var labels = Labels(item.Props?.Label ?? default);
        return new DingTalkFormComponent(item.ComponentName ?? "", item.Props?.Id, labels.FirstOrDefault(), item.Props?.Required ?? false)
        {
            Labels = labels,
            Options = [.. (item.Props?.Options ?? []).Where(o => o.Value is not null).Select(o => new DingTalkFormOption(o.Key ?? o.Value!, o.Value!))],
            Children = Components(item.Children),
        };
    }

    // A date range (DDDateRangeField) has two labels, start and end: an array, or that array as a JSON string.
    private static string[] Labels(JsonElement label)
    {
        if (label.ValueKind == JsonValueKind.String && label.GetString() is { } text)
        {
            if (!text.StartsWith('['))
            {
                return [text];
            }

            try
            {
                label = JsonElement.Parse(text);
            }
            catch (JsonException)
            {
                return [text];
            }
        }

        return label.ValueKind == JsonValueKind.Array
            ? [.. label.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()!)]
            : [];
    }

    private async Task SendAsync(string path, byte[] json, bool idempotent, CancellationToken cancellationToken)
    {
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, path, path) { Json = json, Idempotent = idempotent };
        var answer = await _pipeline.SendAsync(request, WorkflowJson.Default.BoolAnswer, cancellationToken).ConfigureAwait(false);
        if (answer.Result == false)
        {
            throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, $"POST {path} answered result false without an error code.");
        }
    }

    private static DingTalkApiException Malformed(string method, string path, string field) =>
        new(DingTalkErrorCodes.MalformedResponse, $"The answer of {method} {path} has no {field}.");
}
