using System.Runtime.CompilerServices;
using Larkway.Feishu;
using Larkway.Feishu.Contact;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Recipients;

/// <summary>
/// Settles a notification's recipients on Feishu when it is accepted (<see cref="IRecipientExpander"/>): departments
/// become their active members — of their sub-departments too, at any depth, unless <c>include_subdepartments</c> is false — (by open_id; resigned, suspended and not-yet-joined users left out), emails are looked up in batches (warming the resolver's cache for the sender), and
/// anyone named twice — an email and an open_id of the same person, a person in two departments — gets one message.
/// </summary>
internal sealed partial class RecipientExpander(IFeishuClientFactory apps, IEmailLookup lookup, ILogger<RecipientExpander> logger)
    : IRecipientExpander
{
    /// <summary>Most recipients a notification may have after departments are expanded.</summary>
    public const int MaxExpandedRecipients = 1000;

    /// <summary>Settles the recipients for the app that sends (<c>""</c>: the default app), with that app's client.</summary>
    public async Task<ExpandResult> ExpandAsync(string appName, IReadOnlyList<NotificationRecipient> recipients, CancellationToken cancellationToken)
    {
        var problems = new List<NotificationProblem>();
        var expanded = new List<NotificationRecipient>();
        var departmentMembers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < recipients.Count; i++)
        {
            var recipient = recipients[i];
            if (recipient.Type != "department_id")
            {
                expanded.Add(recipient);
                continue;
            }

            try
            {
                var members = 0;
                var client = await apps.GetClientAsync(appName, cancellationToken).ConfigureAwait(false);
                await foreach (var user in MembersAsync(client, recipient, cancellationToken).ConfigureAwait(false))
                {
                    if (user.IsInactive || user.OpenId.Length == 0)
                    {
                        continue;
                    }

                    // Someone in two departments (or in a parent and its child) is counted against the cap, and sent to, once.
                    members++;
                    if (!departmentMembers.Add(user.OpenId))
                    {
                        continue;
                    }

                    expanded.Add(new NotificationRecipient("open_id", user.OpenId));
                    if (expanded.Count > MaxExpandedRecipients)
                    {
                        problems.Add(new($"recipients[{i}].department_id", $"With its members the notification has more than {MaxExpandedRecipients} recipients. Send to the department's group chat (chat_id) instead, or split the audience."));
                        return new ExpandResult([], problems);
                    }
                }

                if (members == 0)
                {
                    problems.Add(new($"recipients[{i}].department_id", recipient.IncludeSubdepartments
                        ? $"The department '{recipient.Value}' and its sub-departments have no active members."
                        : $"The department '{recipient.Value}' has no active direct members (include_subdepartments is false: set it to true, or leave it out, to include its sub-departments)."));
                }
            }
            catch (HubAppNotFoundException ex)
            {
                // Disabled or deleted since the request was checked.
                return new ExpandResult([], [new("app", ex.Message)]);
            }
            catch (FeishuApiException ex) when (!ex.IsTransient)
            {
                problems.Add(new($"recipients[{i}].department_id", $"Feishu could not list the department '{recipient.Value}': {ex.Code} {ex.ErrorMessage} (is it an open department id od-…, inside the app's contact scope?)."));
            }
            catch (Exception ex) when (ex is FeishuApiException or HttpRequestException or TimeoutException)
            {
                // Rate limits, 5xx, network (after the client's own retries): nothing stored, the caller retries with its key.
                LogDepartmentUnavailable(logger, ex.GetType().Name);
                return new ExpandResult([], [], Unavailable: true)
                {
                    Failure = ex is FeishuApiException api
                        ? PlatformFailure.Numbered(HubAppPlatform.Feishu, api.Code, api.ErrorMessage, api.RequestId)
                        : PlatformFailure.Numbered(HubAppPlatform.Feishu, NotificationSender.NoAnswerCode, ex.GetType().Name + ": " + ex.Message),
                };
            }
        }

        if (problems.Count > 0)
        {
            return new ExpandResult([], problems);
        }

        var openIds = await LookUpEmailsAsync(appName, expanded, cancellationToken).ConfigureAwait(false);
        return new ExpandResult(Deduplicate(expanded, openIds), []);
    }

    /// <summary>
    /// The department's direct members, then, unless the caller asked for direct members only, those of every
    /// department below it (one children listing with fetch_child, then one member listing per department).
    /// </summary>
    private static async IAsyncEnumerable<ContactUser> MembersAsync(FeishuClient client, NotificationRecipient department, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var departmentIds = new List<string> { department.Value };
        if (department.IncludeSubdepartments)
        {
            await foreach (var child in client.Contact.Departments.ListChildrenAsync(department.Value, fetchChild: true, pageSize: DepartmentsClient.MaxChildrenPageSize, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (!child.IsDeleted && child.OpenDepartmentId.Length > 0 && !departmentIds.Contains(child.OpenDepartmentId))
                {
                    departmentIds.Add(child.OpenDepartmentId);
                }
            }
        }

        foreach (var departmentId in departmentIds)
        {
            await foreach (var user in client.Contact.Users.FindByDepartmentAsync(departmentId, pageSize: UsersClient.MaxDepartmentPageSize, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                yield return user;
            }
        }
    }

    /// <summary>Best effort: when the lookup fails the sender looks the addresses up itself, one by one.</summary>
    private async Task<IReadOnlyDictionary<string, string?>> LookUpEmailsAsync(string appName, List<NotificationRecipient> recipients, CancellationToken cancellationToken)
    {
        var emails = recipients.Where(r => r.Type == "email" && r.App is null).Select(r => r.Value).ToList();
        if (emails.Count == 0)
        {
            return new Dictionary<string, string?>();
        }

        try
        {
            return await lookup.PrefetchAsync(appName, emails, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FeishuApiException or HttpRequestException or TimeoutException or HubAppNotFoundException)
        {
            LogLookupFailed(logger, emails.Count, ex.GetType().Name);
            return new Dictionary<string, string?>();
        }
    }

    /// <summary>The first mention of each person wins; people are compared by open_id where it is known.</summary>
    internal static List<NotificationRecipient> Deduplicate(IEnumerable<NotificationRecipient> recipients, IReadOnlyDictionary<string, string?> emailOpenIds)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<NotificationRecipient>();
        foreach (var recipient in recipients)
        {
            var key = recipient.Type switch
            {
                "open_id" => "open_id:" + recipient.Value,
                // A person routed to DingTalk or WeCom is one person however named; on Feishu the open_id or email says it.
                _ when recipient.PersonId is not null && recipient.Type is not ("open_id" or "email") => "person:" + recipient.PersonId,
                "email" when emailOpenIds.TryGetValue(recipient.Value, out var openId) && openId is not null => "open_id:" + openId,
                _ => recipient.Type + ":" + recipient.Value,
            };
            if (seen.Add(key))
            {
                result.Add(recipient);
            }
        }

        return result;
    }

    [LoggerMessage(EventId = LogEvents.RecipientExpanderDepartmentUnavailable, Level = LogLevel.Warning, Message = "Listing a department's members failed ({ExceptionType}); the notification was refused with 503.")]
    private static partial void LogDepartmentUnavailable(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = LogEvents.RecipientExpanderLookupFailed, Level = LogLevel.Warning, Message = "Looking up {Count} recipient emails ahead of sending failed ({ExceptionType}); the sender looks them up one by one.")]
    private static partial void LogLookupFailed(ILogger logger, int count, string exceptionType);
}
