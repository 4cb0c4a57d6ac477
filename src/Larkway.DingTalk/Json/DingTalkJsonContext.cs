using System.Text.Json.Serialization;
using Larkway.DingTalk.Auth;
using Larkway.DingTalk.Robots;
using Larkway.DingTalk.SignIn;
using Larkway.DingTalk.Users;

namespace Larkway.DingTalk.Json;

/// <summary>Source-generated JSON for the library's wire types (trim- and AOT-safe). Names are DingTalk's, field by field.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NewTokenRequest))]
[JsonSerializable(typeof(NewTokenAnswer))]
[JsonSerializable(typeof(OldTokenAnswer))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(BatchSendRequest))]
[JsonSerializable(typeof(BatchSendAnswer))]
[JsonSerializable(typeof(GroupSendRequest))]
[JsonSerializable(typeof(GroupSendAnswer))]
[JsonSerializable(typeof(BatchRecallRequest))]
[JsonSerializable(typeof(GroupRecallRequest))]
[JsonSerializable(typeof(RecallAnswer))]
[JsonSerializable(typeof(MessageFileDownloadRequest))]
[JsonSerializable(typeof(MessageFileDownloadAnswer))]
[JsonSerializable(typeof(UserGetRequest))]
[JsonSerializable(typeof(UserByMobileRequest))]
[JsonSerializable(typeof(UserByUnionIdRequest))]
[JsonSerializable(typeof(UserListRequest))]
[JsonSerializable(typeof(OldApiResult<DingTalkUser>))]
[JsonSerializable(typeof(OldApiResult<UserIdResult>))]
[JsonSerializable(typeof(OldApiResult<UserListResult>))]
[JsonSerializable(typeof(Departments.DepartmentRequest))]
[JsonSerializable(typeof(OldApiResult<IReadOnlyList<Departments.DingTalkDepartment>>))]
[JsonSerializable(typeof(OldApiResult<Departments.DingTalkDepartment>))]
[JsonSerializable(typeof(OldApiResult<Departments.SubDepartmentIdsResult>))]
[JsonSerializable(typeof(Departments.AuthScopesAnswer))]
[JsonSerializable(typeof(UserTokenRequest))]
[JsonSerializable(typeof(UserTokenAnswer))]
[JsonSerializable(typeof(DingTalkSignedInUser))]
internal sealed partial class DingTalkJsonContext : JsonSerializerContext;
