using System.Text.Json;
using Larkway.Feishu.Approval;

namespace Larkway.Feishu.Tests.Approval;

/// <summary>A definition whose form has one widget of every documented type, as <c>definitions get</c> returns it.</summary>
public static class ApprovalFixtures
{
    public const string FormJson = """
        [
          {"id":"widget_reason","custom_id":"reason","name":"Reason","type":"input","required":true},
          {"id":"widget_notes","name":"Notes","type":"textarea","required":false},
          {"id":"widget_qty","custom_id":"qty","name":"Quantity","type":"number","required":true},
          {"id":"widget_amount","custom_id":"amount","name":"Amount","type":"amount","required":true},
          {"id":"widget_total","custom_id":"total","name":"Total","type":"formula","required":false},
          {"id":"widget_day","custom_id":"day","name":"Day","type":"date","required":false},
          {"id":"widget_trip","custom_id":"trip","name":"Trip","type":"dateInterval","required":false},
          {"id":"widget_kind","custom_id":"kind","name":"Kind","type":"radioV2","required":true,"option":[{"value":"a","text":"Travel"},{"value":"b","text":"Training"}]},
          {"id":"widget_tags","custom_id":"tags","name":"Tags","type":"checkboxV2","required":false,"option":[{"value":"x","text":"X"},{"value":"y","text":"Y"},{"value":"z","text":"Z"}]},
          {"id":"widget_people","custom_id":"people","name":"People","type":"contact","required":false},
          {"id":"widget_dept","custom_id":"dept","name":"Department","type":"department","required":false},
          {"id":"widget_phone","custom_id":"phone","name":"Phone","type":"telephone","required":false},
          {"id":"widget_files","custom_id":"files","name":"Files","type":"attachmentV2","required":false},
          {"id":"widget_pics","custom_id":"pics","name":"Pictures","type":"image","required":false},
          {"id":"widget_linked","custom_id":"linked","name":"Linked","type":"connect","required":false},
          {"id":"widget_doc","custom_id":"doc","name":"Doc","type":"document","required":false},
          {"id":"widget_items","custom_id":"items","name":"Items","type":"fieldList","required":false,"children":[
            {"id":"widget_item_name","custom_id":"item_name","name":"Item","type":"input","required":true},
            {"id":"widget_item_price","custom_id":"price","name":"Price","type":"amount","required":true}
          ]},
          {"id":"widget_addr","custom_id":"addr","name":"Address","type":"address","required":false},
          {"id":"widget_desc","name":"Read me","type":"text","required":false},
          {"id":"widgetLeaveGroupV2","name":"Leave","type":"leaveGroupV2","required":false}
        ]
        """;

    public static readonly DateTimeOffset Nine = new(2026, 1, 31, 9, 0, 0, TimeSpan.FromHours(8));

    public static ApprovalDefinition Definition(string form = FormJson) => new()
    {
        ApprovalCode = "APPROVAL-1",
        ApprovalName = "Expenses",
        Status = "ACTIVE",
        Form = ApprovalDefinitionForm.Parse(form),
        FormJson = form,
    };

    /// <summary>The smallest valid form: the required widgets.</summary>
    public static ApprovalFormValue[] Required() =>
    [
        new ApprovalFormValue.Input("reason", "Offsite"),
        new ApprovalFormValue.Number("qty", 3),
        new ApprovalFormValue.Amount("amount", 1200.50m, "CNY"),
        new ApprovalFormValue.Radio("kind", "a"),
    ];

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The definition get response for <see cref="FormJson"/>, the form stringified as on the wire.</summary>
    public static string DefinitionResponse() =>
        $$"""{"approval_name":"Expenses","status":"ACTIVE","form":{{JsonSerializer.Serialize(FormJson)}},"node_list":[{"name":"Manager","need_approver":true,"node_id":"n1","custom_node_id":"mgr","node_type":"AND","approver_chosen_multi":false,"require_signature":false},{"name":"Start","node_id":"START","node_type":"AND"}],"viewers":[{"type":"TENANT","id":"","user_id":""}],"approval_admin_ids":["ou_admin"]}""";
}
