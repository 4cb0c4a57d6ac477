using System.Text.Json.Serialization;
using Larkway.WeCom.Auth;
using Larkway.WeCom.Media;
using Larkway.WeCom.Messages;
using Larkway.WeCom.Users;

namespace Larkway.WeCom.Json;

/// <summary>Source-generated JSON for the library's wire types (trim- and AOT-safe). Names are WeCom's, field by field.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenAnswer))]
[JsonSerializable(typeof(WeComResult))]
[JsonSerializable(typeof(SendRequest))]
[JsonSerializable(typeof(SendAnswer))]
[JsonSerializable(typeof(RecallRequest))]
[JsonSerializable(typeof(UpdateCardRequest))]
[JsonSerializable(typeof(UpdateCardAnswer))]
[JsonSerializable(typeof(UploadAnswer))]
[JsonSerializable(typeof(WeComUser))]
[JsonSerializable(typeof(MobileRequest))]
[JsonSerializable(typeof(EmailRequest))]
[JsonSerializable(typeof(UserIdAnswer))]
[JsonSerializable(typeof(SimpleListAnswer))]
[JsonSerializable(typeof(ListIdRequest))]
[JsonSerializable(typeof(ListIdAnswer))]
[JsonSerializable(typeof(UserListAnswer))]
[JsonSerializable(typeof(Departments.DepartmentSimpleListAnswer))]
[JsonSerializable(typeof(Departments.DepartmentGetAnswer))]
[JsonSerializable(typeof(Agents.WeComAgent))]
[JsonSerializable(typeof(Robots.RobotSendRequest))]
[JsonSerializable(typeof(SignIn.WeComSignedInUser))]
[JsonSerializable(typeof(Approvals.WeComApprovalTemplate))]
[JsonSerializable(typeof(Approvals.TemplateDetailRequest))]
[JsonSerializable(typeof(Approvals.WeComApplyEvent))]
[JsonSerializable(typeof(Approvals.ApplyEventAnswer))]
[JsonSerializable(typeof(Approvals.ApprovalInfoRequest))]
[JsonSerializable(typeof(Approvals.ApprovalInfoAnswer))]
[JsonSerializable(typeof(Approvals.ApprovalDetailRequest))]
[JsonSerializable(typeof(Approvals.ApprovalDetailAnswer))]
[JsonSerializable(typeof(CustomerService.KfAccountAddRequest))]
[JsonSerializable(typeof(CustomerService.KfAccountAddAnswer))]
[JsonSerializable(typeof(CustomerService.KfAccountRef))]
[JsonSerializable(typeof(CustomerService.KfAccountUpdateRequest))]
[JsonSerializable(typeof(CustomerService.KfAccountListRequest))]
[JsonSerializable(typeof(CustomerService.KfAccountListAnswer))]
[JsonSerializable(typeof(CustomerService.KfContactWayRequest))]
[JsonSerializable(typeof(CustomerService.KfContactWayAnswer))]
[JsonSerializable(typeof(CustomerService.KfServicerRequest))]
[JsonSerializable(typeof(CustomerService.KfServicerResultAnswer))]
[JsonSerializable(typeof(CustomerService.KfServicerListAnswer))]
[JsonSerializable(typeof(CustomerService.KfSyncRequest))]
[JsonSerializable(typeof(CustomerService.KfSyncAnswer))]
[JsonSerializable(typeof(CustomerService.KfSendRequest))]
[JsonSerializable(typeof(CustomerService.KfSendAnswer))]
[JsonSerializable(typeof(CustomerService.KfServiceStateRequest))]
[JsonSerializable(typeof(CustomerService.KfServiceStateAnswer))]
[JsonSerializable(typeof(CustomerService.KfServiceStateTransRequest))]
[JsonSerializable(typeof(CustomerService.KfServiceStateTransAnswer))]
[JsonSerializable(typeof(CustomerService.KfCustomerRequest))]
[JsonSerializable(typeof(CustomerService.KfCustomerAnswer))]
internal sealed partial class WeComJsonContext : JsonSerializerContext;

/// <summary>An answer with nothing but errcode / errmsg.</summary>
internal sealed record WeComResult(
    [property: JsonPropertyName("errcode")] int ErrCode,
    [property: JsonPropertyName("errmsg")] string? ErrMsg);
