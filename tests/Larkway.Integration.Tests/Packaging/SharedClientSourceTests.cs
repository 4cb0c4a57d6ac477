using Larkway.DingTalk;
using Larkway.Feishu;
using Larkway.WeCom;

namespace Larkway.Integration.Tests.Packaging;

/// <summary>
/// The plumbing in src/Shared/Clients is compiled into each client package as internal source: a user who installs two
/// packages must not see its types twice (or at all).
/// </summary>
public sealed class SharedClientSourceTests
{
    public static TheoryData<string> Libraries => [nameof(FeishuClient), nameof(DingTalkClient), nameof(WeComClient)];

    [Theory]
    [MemberData(nameof(Libraries))]
    public void No_shared_plumbing_type_is_public_in_a_client_package(string client)
    {
        var assembly = client switch
        {
            nameof(FeishuClient) => typeof(FeishuClient).Assembly,
            nameof(DingTalkClient) => typeof(DingTalkClient).Assembly,
            _ => typeof(WeComClient).Assembly,
        };

        assembly.GetExportedTypes().Where(t => t.Namespace == "Larkway.Shared.Clients").ShouldBeEmpty();
        assembly.GetTypes().ShouldContain(t => t.Namespace == "Larkway.Shared.Clients" && t.Name.StartsWith("TokenCache", StringComparison.Ordinal),
            $"{assembly.GetName().Name} should carry its own internal copy of the shared token cache");
    }
}
