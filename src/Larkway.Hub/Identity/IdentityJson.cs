using System.Text.Json.Serialization;
using Larkway.Hub.Identity.SignIn;

namespace Larkway.Hub.Identity;

/// <summary>Source-generated JSON for the broker's protocol answers and its protected sign-in state.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(SignInContinuation))]
[JsonSerializable(typeof(SignInCorrelationData))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
