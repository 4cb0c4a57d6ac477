using System.Globalization;
using System.Text;
using Larkway.Feishu;
using Larkway.Feishu.Docs;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Commands;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu.Docs;

/// <summary>
/// <c>/doc</c>: the last answer (or, with <c>all</c>, the conversation) kept as a new Feishu document, on any platform,
/// for a person the directory knows on Feishu. The bot of the writing app creates it in the administrator's folder
/// (<see cref="FeishuDocsOptions.AnswersFolder"/>) and gives the person full access before writing a word, so it is never
/// the bot's alone: they may edit, share or delete it. The answers are written as shown; the questions as the backend got
/// them, so personal data masked there stays masked in a document that may be shared on.
/// </summary>
internal sealed partial class FeishuAnswerDocuments(
    IFeishuClientFactory clients,
    FeishuReadingApp writingApp,
    IOptions<FeishuDocsOptions> options,
    ILogger<FeishuAnswerDocuments> logger,
    PeopleStore? people = null) : IAssistantCommand
{
    /// <summary>A title's longest question part, in characters.</summary>
    private const int TitleQuestionChars = 60;

    public string Name => "doc";

    public string? Usage => "[all]";

    public string Description => "Keeps the last answer as a new Feishu document that you can edit and share; /doc all keeps the whole conversation.";

    public async Task<string> RunAsync(AssistantCommandRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var whole = request.Argument.Trim().ToLowerInvariant() switch
        {
            "" => false,
            "all" => true,
            _ => (bool?)null,
        };
        if (whole is null)
        {
            return "Send /doc to keep the last answer as a document, or /doc all for the whole conversation.";
        }

        if (request.PersonId is not { } personId)
        {
            return "I write documents only for people in the company directory: link your account with /link, then send /doc again.";
        }

        if (request.Exchanges.Count == 0)
        {
            return "There is no answer in this conversation to keep yet: ask a question, then send /doc.";
        }

        if (await writingApp.ForAsync(request.Platform, request.App, cancellationToken).ConfigureAwait(false) is not { } app)
        {
            return "No Feishu app of this Hub writes documents: an administrator sets Larkway:Feishu:Docs:ReadingApp.";
        }

        var person = people is null ? null : await people.ShareIdsAsync(personId, HubAppService.NameInStore(app), cancellationToken).ConfigureAwait(false);
        if (person?.OpenId is not { } openId)
        {
            return "I cannot tell who you are on Feishu, so I cannot share a document with you: link your Feishu account with /link.";
        }

        var kept = whole.Value ? request.Exchanges : [request.Exchanges[^1]];
        var title = whole.Value
            ? $"{request.AssistantDisplayName}: conversation of {kept[0].At.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
            : $"{request.AssistantDisplayName}: {Shortened(OneLine(kept[0].Question), TitleQuestionChars)}";
        var bot = clients.GetClient(HubAppService.NameInStore(app));
        string? documentId = null;
        try
        {
            documentId = (await bot.Docs.Documents.CreateAsync(title, options.Value.AnswersFolder, cancellationToken).ConfigureAwait(false)).DocumentId;

            // Shared before a word is written: whatever fails next, the person can open, finish or delete it.
            await bot.Docs.Permissions.AddMemberAsync(documentId, DriveFileType.Docx, DriveMemberType.OpenId, openId, DrivePermission.FullAccess, notify: false, cancellationToken)
                .ConfigureAwait(false);
            await bot.Docs.Blocks.AppendAsync(documentId, DocxMarkdown.ToBlocks(Markdown(kept)), cancellationToken: cancellationToken).ConfigureAwait(false);
            var link = await LinkAsync(bot, documentId, cancellationToken).ConfigureAwait(false);
            LogWritten(logger, request.Assistant, personId, kept.Count, documentId);
            return whole.Value
                ? $"Kept this conversation ({kept.Count} answers) as a document you can edit and share: {link}"
                : $"Kept the last answer as a document you can edit and share: {link}";
        }
        catch (FeishuApiException ex)
        {
            LogFailed(logger, request.Assistant, personId, documentId is null ? "create" : "write", ex.Code);
            return documentId is null
                ? $"I could not create the document: {Why(ex)}"
                : $"I created the document but could not finish it: {Why(ex)} It is shared with you if that step passed; its id is {documentId}.";
        }
    }

    /// <summary>The document's link as Feishu gives it (the tenant's own host).</summary>
    private static async Task<string> LinkAsync(FeishuClient bot, string documentId, CancellationToken cancellationToken)
    {
        try
        {
            var metas = await bot.Docs.Files.GetMetasAsync([(documentId, DriveFileType.Docx)], withUrl: true, cancellationToken).ConfigureAwait(false);
            return metas.Found.FirstOrDefault()?.Url is { Length: > 0 } url ? url : $"the document {documentId} in Feishu";
        }
        catch (FeishuApiException)
        {
            // Written and shared: only the link is missing, and the person finds it under "Shared with me".
            return $"the document {documentId} (find it under \"Shared with me\" in Feishu)";
        }
    }

    /// <summary>Each exchange as a heading (the question) and the answer's Markdown under it.</summary>
    internal static string Markdown(IReadOnlyList<AssistantExchange> exchanges)
    {
        var markdown = new StringBuilder();
        foreach (var exchange in exchanges)
        {
            markdown.Append("## ").Append(Escaped(Shortened(OneLine(exchange.Question), 200))).Append("\n\n");
            if (OneLine(exchange.Question).Length > 200 || exchange.Question.Contains('\n', StringComparison.Ordinal))
            {
                foreach (var line in exchange.Question.Split('\n'))
                {
                    markdown.Append("> ").Append(Escaped(line.TrimEnd('\r'))).Append('\n');
                }

                markdown.Append('\n');
            }

            markdown.Append(exchange.Answer.Trim()).Append("\n\n");
        }

        return markdown.ToString();
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Shortened(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";

    /// <summary>A question is the person's words, not Markdown: its marks stay characters.</summary>
    private static string Escaped(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch is '\\' or '`' or '*' or '_' or '[' or ']' or '#' or '<' or '>' or '|' or '~' or '!')
            {
                escaped.Append('\\');
            }

            escaped.Append(ch);
        }

        return escaped.ToString();
    }

    private static string Why(FeishuApiException ex) => ex.Code switch
    {
        FeishuErrorCodes.DocxFolderNotFound => "the folder set for answers (Larkway:Feishu:Docs:AnswersFolder) does not exist; an administrator fixes it.",
        FeishuErrorCodes.DocxNoFolderPermission or FeishuErrorCodes.DocxForbidden
            => "the assistant's Feishu app may not write in the folder set for answers; an administrator shares the folder with the app (edit), or sets another.",
        FeishuErrorCodes.DocxFolderFull or FeishuErrorCodes.DocxFolderLocked => "the folder set for answers is full or locked; an administrator sets another.",
        FeishuErrorCodes.AppScopeMissing => "the assistant's Feishu app lacks the scope to create documents (docx:document); an administrator adds it.",
        _ when ex.IsTransient => "Feishu did not answer; send /doc again in a moment.",
        _ => FeishuDocsErrors.WhatToDo(ex.Code) ?? $"Feishu refused ({ex.Code}).",
    };

    [LoggerMessage(EventId = LogEvents.AssistantAnswerDocumentWritten, Level = LogLevel.Information,
        Message = "Assistant {Assistant}: person {PersonId} kept {Answers} answers as document {DocumentId}")]
    private static partial void LogWritten(ILogger logger, string assistant, string personId, int answers, string documentId);

    [LoggerMessage(EventId = LogEvents.AssistantAnswerDocumentFailed, Level = LogLevel.Warning,
        Message = "Assistant {Assistant}: a document for person {PersonId} failed at {Step} (Feishu code {Code})")]
    private static partial void LogFailed(ILogger logger, string assistant, string personId, string step, int code);
}
