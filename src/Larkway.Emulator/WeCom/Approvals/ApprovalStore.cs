using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Emulator.WeCom.Approvals;

/// <summary>A control of an approval template: its type, id, title, whether it is required, and its type's config.</summary>
internal sealed record ApprovalControl(string Control, string Id, string Title, bool Required, JsonObject? Config = null);

/// <summary>An approval template (审批模板) of the approval app.</summary>
internal sealed record ApprovalTemplate(string TemplateId, string Name, IReadOnlyList<ApprovalControl> Controls, IReadOnlyList<string> DefaultApprovers);

/// <summary>One approver's place in a node: undecided (1), approved (2), rejected (3) or handed on (4 已转审), with their comment and time.</summary>
internal sealed class ApproverSlot(string userId)
{
    public string UserId { get; } = userId;

    public int Status { get; set; } = 1;

    public string Speech { get; set; } = "";

    public long Time { get; set; }
}

/// <summary>An approver node: 或签 (attr 1, any one approver decides) or 会签 (attr 2, all must approve).</summary>
internal sealed class ApprovalNode(int attr, IEnumerable<string> approvers)
{
    private readonly List<ApproverSlot> _approvers = [.. approvers.Select(a => new ApproverSlot(a))];

    public int Attr { get; } = attr;

    public int Status { get; set; } = 1;

    public IReadOnlyList<ApproverSlot> Approvers => _approvers;

    /// <summary>Adds an undecided approver (a task handed on); under the store's lock.</summary>
    public ApproverSlot Add(string userId)
    {
        var slot = new ApproverSlot(userId);
        _approvers.Add(slot);
        return slot;
    }
}

/// <summary>A submitted application and where it is in its flow.</summary>
internal sealed class ApprovalApplication
{
    public required string SpNo { get; init; }

    public required ApprovalTemplate Template { get; init; }

    public required string Creator { get; init; }

    public required long PartyId { get; init; }

    public required long ApplyTime { get; init; }

    public required IReadOnlyList<ApprovalNode> Nodes { get; init; }

    public required IReadOnlyList<string> Notifyer { get; init; }

    /// <summary>The filled controls as submitted, each with the template's title added (as getapprovaldetail shows them).</summary>
    public required JsonArray Contents { get; init; }

    /// <summary>1 审批中, 2 已通过, 3 已驳回.</summary>
    public int Status { get; set; } = 1;
}

/// <summary>One approver's place as the state file keeps it.</summary>
internal sealed record KeptApproverSlot(string UserId, int Status, string Speech, long Time);

/// <summary>An approver node as the state file keeps it.</summary>
internal sealed record KeptApprovalNode(int Attr, int Status, IReadOnlyList<KeptApproverSlot> Approvers);

/// <summary>An application as the state file keeps it: its template by id and its filled controls as JSON text.</summary>
internal sealed record KeptApplication(string SpNo, string TemplateId, string Creator, long PartyId, long ApplyTime, IReadOnlyList<KeptApprovalNode> Nodes, IReadOnlyList<string> Notifyer, string Contents, int Status);

/// <summary>
/// The approval app's templates and applications. The default corp has one payment template (amount, reason, date);
/// application numbers are WeCom's shape: the submission day (yyyyMMdd) and a four-digit count within it. Applications
/// are kept in the state file; the templates are built in.
/// </summary>
internal sealed class ApprovalStore(TimeProvider time, StateRevision revision)
{
    /// <summary>
    /// The sandbox corp's approval admin (审批管理员): Dave. A template approver no longer in the corp is replaced by them when
    /// an application is submitted, and a person who leaves hands their undecided places to them (<see cref="HandOver"/>).
    /// </summary>
    public const string ApprovalAdmin = "dave";

    /// <summary>The seeded payment template's id.</summary>
    public const string PaymentTemplateId = "3TmApprovalPaymentLarkwayDevTemplate0001";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ApprovalApplication> _applications = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perDay = new(StringComparer.Ordinal);

    public IReadOnlyList<ApprovalTemplate> Templates { get; } =
    [
        new(PaymentTemplateId, "付款申请", [
            new("Money", "Money-1", "付款金额", true),
            new("Text", "Text-1", "付款事由", true),
            new("Date", "Date-1", "付款日期", false, new JsonObject { ["date"] = new JsonObject { ["type"] = "day" } }),
        ], ["carol"]),
    ];

    public ApprovalTemplate? FindTemplate(string id) => Templates.FirstOrDefault(t => t.TemplateId == id);

    public ApprovalApplication? Find(string spNo)
    {
        lock (_gate)
        {
            return _applications.GetValueOrDefault(spNo);
        }
    }

    public ApprovalApplication Add(ApprovalTemplate template, string creator, long partyId, IReadOnlyList<ApprovalNode> nodes, IReadOnlyList<string> notifyer, JsonArray contents)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var day = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var count = _perDay[day] = _perDay.GetValueOrDefault(day) + 1;
            var application = new ApprovalApplication
            {
                SpNo = day + count.ToString("D4", CultureInfo.InvariantCulture),
                Template = template,
                Creator = creator,
                PartyId = partyId,
                ApplyTime = now.ToUnixTimeSeconds(),
                Nodes = nodes,
                Notifyer = notifyer,
                Contents = contents,
            };
            _applications[application.SpNo] = application;
            revision.Advance();
            return application;
        }
    }

    /// <summary>The applications submitted within [start, end], oldest first (then by number).</summary>
    public IReadOnlyList<ApprovalApplication> Between(long start, long end)
    {
        lock (_gate)
        {
            return [.. _applications.Values.Where(a => a.ApplyTime >= start && a.ApplyTime <= end).OrderBy(a => a.ApplyTime).ThenBy(a => a.SpNo, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// <paramref name="userId"/> decides in the application's current node. Returns why not, or null: the node and the
    /// application move on (a rejection ends both; 或签 passes on one approval, 会签 on all).
    /// </summary>
    public string? Decide(ApprovalApplication application, string userId, bool approve, string? speech)
    {
        lock (_gate)
        {
            if (application.Status != 1)
            {
                return $"application {application.SpNo} is no longer in review (sp_status {application.Status})";
            }

            var node = application.Nodes.First(n => n.Status == 1);
            var slot = node.Approvers.FirstOrDefault(s => string.Equals(s.UserId, userId, StringComparison.OrdinalIgnoreCase) && s.Status == 1);
            if (slot is null)
            {
                return $"{userId} is not an undecided approver of the current node (its approvers: {string.Join(", ", node.Approvers.Select(a => a.UserId))})";
            }

            slot.Status = approve ? 2 : 3;
            slot.Speech = speech ?? "";
            slot.Time = time.GetUtcNow().ToUnixTimeSeconds();
            if (!approve)
            {
                node.Status = 3;
                application.Status = 3;
            }
            else if (node.Attr == 1 || node.Approvers.Where(a => a.Status != 4).All(a => a.Status == 2))
            {
                node.Status = 2;
                if (application.Nodes.All(n => n.Status == 2))
                {
                    application.Status = 2;
                }
            }

            revision.Advance();
            return null;
        }
    }

    /// <summary>
    /// <paramref name="userId"/> left the corp: in each application in review, their undecided place in the current node is
    /// handed on (转审, sp_status 4) to the approval admin, as WeCom's admin console does for a departed approver. Returns
    /// the applications changed; none when the admin is the one who left (nobody to hand it to).
    /// </summary>
    public IReadOnlyList<ApprovalApplication> HandOver(string userId)
    {
        var changed = new List<ApprovalApplication>();
        lock (_gate)
        {
            if (string.Equals(userId, ApprovalAdmin, StringComparison.OrdinalIgnoreCase))
            {
                return changed;
            }

            var now = time.GetUtcNow().ToUnixTimeSeconds();
            foreach (var application in _applications.Values.Where(a => a.Status == 1))
            {
                var node = application.Nodes.First(n => n.Status == 1);
                var slot = node.Approvers.FirstOrDefault(s => string.Equals(s.UserId, userId, StringComparison.OrdinalIgnoreCase) && s.Status == 1);
                if (slot is null)
                {
                    continue;
                }

                (slot.Status, slot.Speech, slot.Time) = (4, $"{userId} left the company; handed to the approval admin", now);
                if (!node.Approvers.Any(s => s.UserId == ApprovalAdmin && s.Status == 1))
                {
                    node.Add(ApprovalAdmin);
                }

                changed.Add(application);
            }

            if (changed.Count > 0)
            {
                revision.Advance();
            }
        }

        return changed;
    }

    /// <summary>
    /// The applicant withdraws (撤销) an application still in review, as in WeCom's approval app: sp_status 4 (已撤销), its
    /// undecided approvers left undecided. Returns why not, or null.
    /// </summary>
    public string? Withdraw(ApprovalApplication application, string userId)
    {
        lock (_gate)
        {
            if (!string.Equals(application.Creator, userId, StringComparison.OrdinalIgnoreCase))
            {
                return $"only the applicant ({application.Creator}) may withdraw application {application.SpNo}";
            }

            if (application.Status != 1)
            {
                return $"application {application.SpNo} is no longer in review (sp_status {application.Status})";
            }

            application.Status = 4;
            revision.Advance();
            return null;
        }
    }

    /// <summary>Reads an application under the lock, so a decision never shows half made.</summary>
    public T Read<T>(ApprovalApplication application, Func<ApprovalApplication, T> read)
    {
        lock (_gate)
        {
            return read(application);
        }
    }

    /// <summary>Every application, newest first (for the approval pages).</summary>
    public IReadOnlyList<ApprovalApplication> All()
    {
        lock (_gate)
        {
            return [.. _applications.Values.OrderByDescending(a => a.ApplyTime).ThenByDescending(a => a.SpNo, StringComparer.Ordinal)];
        }
    }

    /// <summary>The applications for the state file, oldest first.</summary>
    public IReadOnlyList<KeptApplication> Export()
    {
        lock (_gate)
        {
            return
            [
                .. _applications.Values.OrderBy(a => a.SpNo, StringComparer.Ordinal).Select(a => new KeptApplication(
                    a.SpNo, a.Template.TemplateId, a.Creator, a.PartyId, a.ApplyTime,
                    [.. a.Nodes.Select(n => new KeptApprovalNode(n.Attr, n.Status, [.. n.Approvers.Select(s => new KeptApproverSlot(s.UserId, s.Status, s.Speech, s.Time))]))],
                    a.Notifyer, a.Contents.ToJsonString(), a.Status)),
            ];
        }
    }

    /// <summary>The applications a state file kept; the numbering of each day continues after its largest kept number.</summary>
    public void Restore(IReadOnlyList<KeptApplication> kept)
    {
        lock (_gate)
        {
            foreach (var k in kept)
            {
                var template = FindTemplate(k.TemplateId) ?? throw new InvalidDataException($"WeCom application {k.SpNo} names template {k.TemplateId}, which this build does not have");
                var nodes = k.Nodes.Select(n =>
                {
                    var node = new ApprovalNode(n.Attr, n.Approvers.Select(s => s.UserId)) { Status = n.Status };
                    foreach (var (slot, keptSlot) in node.Approvers.Zip(n.Approvers))
                    {
                        (slot.Status, slot.Speech, slot.Time) = (keptSlot.Status, keptSlot.Speech, keptSlot.Time);
                    }

                    return node;
                }).ToList();
                _applications[k.SpNo] = new ApprovalApplication
                {
                    SpNo = k.SpNo, Template = template, Creator = k.Creator, PartyId = k.PartyId, ApplyTime = k.ApplyTime, Nodes = nodes, Notifyer = k.Notifyer,
                    Contents = JsonNode.Parse(k.Contents) as JsonArray ?? throw new InvalidDataException($"WeCom application {k.SpNo} has contents that are not a JSON array"),
                    Status = k.Status,
                };
                if (k.SpNo.Length == 12 && int.TryParse(k.SpNo.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    _perDay[k.SpNo[..8]] = Math.Max(_perDay.GetValueOrDefault(k.SpNo[..8]), count);
                }
            }
        }
    }

    public static JsonArray Titles(string title) => [new JsonObject { ["text"] = title, ["lang"] = "zh_CN" }];

    public static JsonNode? Clone(JsonElement element) => JsonNode.Parse(element.GetRawText());
}
