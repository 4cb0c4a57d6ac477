using System.Text.Json;
using Larkway.Feishu.Approval;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Approvals;

/// <summary>
/// One Emulator and one client for a class of approval tests, plus the definitions they share: every widget
/// type the Emulator accepts, and a process with an OR, an AND and a SEQUENTIAL node.
/// </summary>
public sealed class ApprovalFixture : ClientFixture
{
    private readonly HttpClient _control = new();

    public string AliceId => Alice.OpenId;

    public string BobId => Bob.OpenId;

    public string CarolId => Carol.OpenId;

    public string DaveId => Dave.OpenId;

    public string DepartmentId => State.Departments[0].OpenDepartmentId;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _control.BaseAddress = BaseUrl;
    }

    public override async Task DisposeAsync()
    {
        _control.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>How many approval Open API calls reached the Emulator so far (<c>GET /_emulator/calls</c>).</summary>
    public async Task<long> ApprovalCallsAsync()
    {
        using var document = JsonDocument.Parse(await _control.GetStringAsync(new Uri("/_emulator/calls", UriKind.Relative)));
        return document.RootElement.GetProperty("data").GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("endpoint").GetString()!.Contains("/approval/", StringComparison.Ordinal))
            .Sum(i => i.GetProperty("count").GetInt64());
    }

    /// <summary>The apps subscribed to a definition's events, from the Emulator's state dump (<c>GET /_emulator/state</c>).</summary>
    public async Task<IReadOnlyList<string>> SubscribersAsync(string approvalCode)
    {
        using var document = JsonDocument.Parse(await _control.GetStringAsync(new Uri("/_emulator/state", UriKind.Relative)));
        var definition = document.RootElement.GetProperty("data").GetProperty("approvals").GetProperty("definitions").EnumerateArray()
            .Single(d => d.GetProperty("code").GetString() == approvalCode);
        return [.. definition.GetProperty("subscribers").EnumerateArray().Select(a => a.GetString()!)];
    }

    /// <summary>A raw POST to the Emulator's test-control API; asserts it succeeded.</summary>
    public async Task ControlPostAsync(string path, object body)
    {
        using var response = await _control.PostAsync(new Uri(path, UriKind.Relative), JsonContent(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: HTTP {(int)response.StatusCode} {text}");
    }

    /// <summary>A raw PUT to the Emulator's test-control API; asserts it succeeded.</summary>
    public async Task ControlPutAsync(string path, object body)
    {
        using var response = await _control.PutAsync(new Uri(path, UriKind.Relative), JsonContent(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: HTTP {(int)response.StatusCode} {text}");
    }

    /// <summary>
    /// Creates a definition through the client and reads it back. <paramref name="widgets"/> and nodes default to
    /// <see cref="EveryWidget"/> and <see cref="ThreeNodeProcess"/>; every i18n key used gets an en-US text.
    /// </summary>
    public async Task<ApprovalDefinition> CreateDefinitionAsync(IReadOnlyList<ApprovalWidgetDefinition>? widgets = null, IReadOnlyList<ApprovalNodeCreate>? nodes = null)
    {
        widgets ??= EveryWidget();
        nodes ??= ThreeNodeProcess();
        var created = await Client.Approval.Definitions.CreateAsync(new ApprovalDefinitionCreate
        {
            ApprovalName = "@i18n@approval_name",
            Viewers = [new ApprovalViewerCreate("TENANT")],
            Form = widgets,
            Nodes = nodes,
            I18nResources = [new ApprovalI18nResource("en-US", Texts(widgets, nodes), IsDefault: true)],
        });
        return await Client.Approval.Definitions.GetAsync(created.ApprovalCode);
    }

    /// <summary>The smallest form <see cref="EveryWidget"/> takes: its three required widgets and one detail-table row.</summary>
    public static ApprovalForm MinimalForm(string title = "Team offsite") => ApprovalForm.Of(
        new ApprovalFormValue.Input("title", title),
        new ApprovalFormValue.Amount("amount", 1200.50m, "CNY"),
        new ApprovalFormValue.Radio("method", "bank"));

    /// <summary>Alice starts an instance of <paramref name="definition"/> with <see cref="MinimalForm"/>.</summary>
    public Task<string> StartAsync(ApprovalDefinition definition, string? uuid = null, string? submitter = null) =>
        Client.Approval.Instances.CreateAsync(new ApprovalInstanceCreate
        {
            ApprovalCode = definition.ApprovalCode,
            OpenId = submitter ?? AliceId,
            Form = MinimalForm(),
            Definition = definition,
            Uuid = uuid,
        });

    /// <summary>The pending task of <paramref name="openId"/> in the instance, read through the client.</summary>
    public async Task<ApprovalTask> PendingTaskAsync(string instanceCode, string openId)
    {
        var instance = await Client.Approval.Instances.GetAsync(instanceCode);
        return instance.Tasks.SingleOrDefault(t => t.OpenId == openId && t.Status == ApprovalStatus.Pending)
            ?? throw new InvalidOperationException($"{openId} has no pending task; tasks: {string.Join(", ", instance.Tasks.Select(t => $"{t.OpenId}:{t.Status}"))}");
    }

    /// <summary><paramref name="openId"/> approves their pending task.</summary>
    public async Task ApproveAsync(ApprovalDefinition definition, string instanceCode, string openId, string? comment = null)
    {
        var task = await PendingTaskAsync(instanceCode, openId);
        await Client.Approval.Tasks.ApproveAsync(new ApprovalTaskDecision
        {
            ApprovalCode = definition.ApprovalCode,
            InstanceCode = instanceCode,
            TaskId = task.Id,
            UserId = openId,
            Comment = comment,
        });
    }

    /// <summary>Lead (OR: Bob or Carol) → finance (AND: Carol and Dave, cc Alice) → review (SEQUENTIAL: Bob then Dave).</summary>
    public IReadOnlyList<ApprovalNodeCreate> ThreeNodeProcess() =>
    [
        ApprovalNodeCreate.Start,
        Node("lead", "OR", BobId, CarolId),
        Node("finance", "AND", CarolId, DaveId) with { Ccers = [new ApprovalNodeUser("Personal", AliceId)] },
        Node("review", "SEQUENTIAL", BobId, DaveId),
        ApprovalNodeCreate.End,
    ];

    public static ApprovalNodeCreate Node(string id, string type, params string[] approvers) => new()
    {
        Id = id,
        Name = "@i18n@node_" + id,
        NodeType = type,
        Approvers = [.. approvers.Select(a => new ApprovalNodeUser("Personal", a))],
    };

    /// <summary>One widget of every type the Emulator accepts values for, the detail table with three columns.</summary>
    public static IReadOnlyList<ApprovalWidgetDefinition> EveryWidget() =>
    [
        Widget("w_input", "input", required: true) with { CustomId = "title" },
        Widget("w_textarea", "textarea"),
        Widget("w_number", "number"),
        Widget("w_amount", "amount", required: true) with { CustomId = "amount" },
        Widget("w_formula", "formula"),
        Widget("w_date", "date"),
        Widget("w_interval", "dateInterval"),
        Widget("w_radio", "radio") with { Options = OptionsOf("a", "b") },
        Widget("w_radio2", "radioV2", required: true) with { CustomId = "method", Options = OptionsOf("bank", "card") },
        Widget("w_checkbox", "checkbox") with { Options = OptionsOf("x", "y", "z") },
        Widget("w_checkbox2", "checkboxV2") with { Options = OptionsOf("p", "q") },
        Widget("w_contact", "contact"),
        Widget("w_department", "department"),
        Widget("w_phone", "telephone"),
        Widget("w_attachment", "attachmentV2"),
        Widget("w_image", "image"),
        Widget("w_image2", "imageV2"),
        Widget("w_connect", "connect"),
        Widget("w_document", "document"),
        Widget("w_items", "fieldList") with
        {
            CustomId = "items",
            Children = [Widget("w_item", "input", required: true) with { CustomId = "item" }, Widget("w_price", "amount", required: true) with { CustomId = "price" }, Widget("w_kind", "radioV2") with { Options = OptionsOf("goods", "service") }],
        },
    ];

    public static ApprovalWidgetDefinition Widget(string id, string type, bool required = false) =>
        new() { Id = id, Name = "@i18n@name_" + id, Type = type, Required = required };

    private static ApprovalWidgetOption[] OptionsOf(params string[] values) => [.. values.Select(v => new ApprovalWidgetOption(v, "@i18n@opt_" + v))];

    private static Dictionary<string, string> Texts(IReadOnlyList<ApprovalWidgetDefinition> widgets, IReadOnlyList<ApprovalNodeCreate> nodes)
    {
        var keys = new List<string> { "@i18n@approval_name" };
        keys.AddRange(nodes.Select(n => n.Name).OfType<string>());
        foreach (var widget in widgets.Concat(widgets.SelectMany(w => w.Children)))
        {
            keys.Add(widget.Name);
            keys.AddRange(widget.Options.Select(o => o.Text));
        }

        return keys.Distinct(StringComparer.Ordinal).ToDictionary(k => k, k => k["@i18n@".Length..].Replace('_', ' '), StringComparer.Ordinal);
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
