using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Configuration;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>The Hub's assistants: backend, apps, whether they answer, their answers in the last day and how people rated them.</summary>
internal sealed class AssistantsIndexModel(AssistantService assistants, HubAppService apps, AssistantConsoleQueries queries) : PageModel
{
    public IReadOnlyList<AssistantInfo> Assistants { get; private set; } = [];

    public IReadOnlyDictionary<string, AssistantActivity> Activity { get; private set; } = new Dictionary<string, AssistantActivity>();

    /// <summary>Each Hub app's platform as people write it, by app name.</summary>
    public IReadOnlyDictionary<string, string> Platforms { get; private set; } = new Dictionary<string, string>();

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        Assistants = await assistants.ListAsync(cancellationToken).ConfigureAwait(false);
        Activity = await queries.ActivityAsync(cancellationToken).ConfigureAwait(false);
        Platforms = (await apps.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(a => a.Name, a => HubAppPlatform.Display(a.Platform), StringComparer.Ordinal);
    }

    public AssistantActivity ActivityOf(string name) => Activity.GetValueOrDefault(name) ?? new AssistantActivity(0, FeedbackCounts.None);

    /// <summary>A backend as people call it.</summary>
    public static string BackendLabel(string backend) => backend == AssistantPolicyValues.Dify ? "Dify" : backend == AssistantPolicyValues.OpenAi ? "OpenAI-compatible" : backend;

    /// <summary>A masking detector as people call what it finds.</summary>
    public static string DetectorLabel(string detector) => detector switch
    {
        "china_mobile" => "mainland China mobile numbers",
        "resident_id" => "resident identity card numbers",
        "bank_card" => "bank card numbers",
        "email" => "email addresses",
        _ => detector,
    };
}
