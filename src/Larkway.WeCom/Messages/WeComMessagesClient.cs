using System.Text.Json;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;

namespace Larkway.WeCom.Messages;

/// <summary>
/// App messages (<c>/cgi-bin/message/*</c>): send to members, departments and tags; update a template card through its
/// response_code; recall. Every limit WeCom documents is checked before sending.
/// </summary>
public class WeComMessagesClient
{
    internal const string SendPath = "/cgi-bin/message/send";
    internal const string RecallPath = "/cgi-bin/message/recall";
    internal const string UpdateCardPath = "/cgi-bin/message/update_template_card";

    private readonly WeComPipeline _pipeline = null!;

    internal WeComMessagesClient(WeComPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected WeComMessagesClient()
    {
    }

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="to"/> as the app. Recipients WeCom could not reach come back in
    /// the result; when it could reach none, it fails with 81013.
    /// </summary>
    /// <exception cref="WeComApiException">A limit is broken (<see cref="WeComErrorCodes.InvalidRequest"/>, nothing sent), or WeCom refused.</exception>
    public virtual async Task<WeComSendResult> SendAsync(WeComRecipients to, WeComAppMessage message, WeComSendOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(message);
        options ??= new WeComSendOptions();
        to.Validate();
        message.Validate();
        var agentId = AgentId(options.AgentId);
        var interval = options.DuplicateCheckInterval;
        if (interval is { } window && (window <= TimeSpan.Zero || window > TimeSpan.FromHours(4)))
        {
            throw Limits.Invalid($"duplicate_check_interval must be more than 0 and at most 4 hours (14,400 s), not {window.TotalSeconds:0} s.");
        }

        var request = new SendRequest
        {
            ToUser = to.TouserWire,
            ToParty = to.TopartyWire,
            ToTag = to.TotagWire,
            MsgType = message.MsgType,
            AgentId = agentId,
            Safe = options.Safe == 0 ? null : options.Safe,
            EnableIdTrans = options.EnableIdTranslation ? 1 : null,
            EnableDuplicateCheck = options.EnableDuplicateCheck ? 1 : null,
            DuplicateCheckInterval = options.EnableDuplicateCheck && interval is { } seconds ? (int)seconds.TotalSeconds : null,
        };
        message.Fill(request);
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, SendPath, SendPath)
            {
                Json = JsonSerializer.SerializeToUtf8Bytes(request, WeComJsonContext.Default.SendRequest),
                // WeCom drops a repeat within the window, so a send that got no answer may go again.
                Idempotent = options.EnableDuplicateCheck,
            },
            WeComJsonContext.Default.SendAnswer,
            cancellationToken).ConfigureAwait(false);
        return new WeComSendResult(
            Split(answer.InvalidUser), Split(answer.InvalidParty), Split(answer.InvalidTag), Split(answer.UnlicensedUser), answer.MsgId, answer.ResponseCode);
    }

    /// <summary>Recalls a message sent within the last 24 hours (by the msgid of its send).</summary>
    /// <exception cref="WeComApiException">WeCom refused.</exception>
    public virtual Task RecallAsync(string msgId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(msgId);
        return _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, RecallPath, RecallPath)
            {
                Json = JsonSerializer.SerializeToUtf8Bytes(new RecallRequest(msgId), WeComJsonContext.Default.RecallRequest),
                Idempotent = true,
            },
            cancellationToken);
    }

    /// <summary>
    /// Turns the buttons of an interaction card into a disabled one reading <paramref name="replaceName"/> for the
    /// recipients given (all of them when <paramref name="recipients"/> is null). A response_code works once, within 72 hours.
    /// </summary>
    /// <returns>The userids WeCom could not update.</returns>
    public virtual Task<IReadOnlyList<string>> UpdateTemplateCardButtonAsync(string responseCode, string replaceName, WeComRecipients? recipients = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(replaceName);
        return UpdateAsync(responseCode, recipients, r => r.Button = new ReplaceButton(replaceName), cancellationToken);
    }

    /// <summary>Replaces a callback-able card with <paramref name="card"/> for the recipients given (all when null).</summary>
    /// <returns>The userids WeCom could not update.</returns>
    public virtual Task<IReadOnlyList<string>> UpdateTemplateCardAsync(string responseCode, WeComTemplateCard card, WeComRecipients? recipients = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        card.Validate(forRobot: false);
        return UpdateAsync(responseCode, recipients, r => r.TemplateCard = card, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> UpdateAsync(string responseCode, WeComRecipients? recipients, Action<UpdateCardRequest> fill, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(responseCode);
        var request = new UpdateCardRequest { AgentId = AgentId(null), ResponseCode = responseCode };
        if (recipients is null || ReferenceEquals(recipients, WeComRecipients.All))
        {
            request.AtAll = 1;
        }
        else
        {
            recipients.Validate();
            request.UserIds = recipients.Users.Count == 0 ? null : recipients.Users;
            request.PartyIds = recipients.Departments.Count == 0 ? null : recipients.Departments.Select(d => ParseId(d, "partyids")).ToArray();
            request.TagIds = recipients.Tags.Count == 0 ? null : recipients.Tags.Select(t => ParseId(t, "tagids")).ToArray();
        }

        fill(request);
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, UpdateCardPath, UpdateCardPath)
            {
                Json = JsonSerializer.SerializeToUtf8Bytes(request, WeComJsonContext.Default.UpdateCardRequest),
            },
            WeComJsonContext.Default.UpdateCardAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.InvalidUser ?? [];
    }

    private long AgentId(long? given) =>
        given ?? _pipeline.Options.AgentId ?? throw Limits.Invalid("App messages need the app's AgentId: set WeComAppOptions.AgentId (the app's page in the WeCom admin console).");

    private static long ParseId(string id, string field) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Limits.Invalid($"{field} are numeric ids; '{id}' is not one.");

    private static IReadOnlyList<string> Split(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>What <c>message/send</c> answered.</summary>
/// <param name="InvalidUsers">Userids WeCom could not reach (unknown or outside the app's visible range; lower-cased by WeCom).</param>
/// <param name="InvalidDepartments">Department ids it could not reach.</param>
/// <param name="InvalidTags">Tag ids it could not reach.</param>
/// <param name="UnlicensedUsers">Userids without an interface licence (the message was not delivered to them).</param>
/// <param name="MsgId">The message's id, to recall it.</param>
/// <param name="ResponseCode">For interaction template cards: the code to update the card once (72 hours).</param>
public sealed record WeComSendResult(
    IReadOnlyList<string> InvalidUsers,
    IReadOnlyList<string> InvalidDepartments,
    IReadOnlyList<string> InvalidTags,
    IReadOnlyList<string> UnlicensedUsers,
    string? MsgId,
    string? ResponseCode)
{
    /// <summary>True when every recipient was reached.</summary>
    public bool AllDelivered => InvalidUsers.Count == 0 && InvalidDepartments.Count == 0 && InvalidTags.Count == 0 && UnlicensedUsers.Count == 0;
}
