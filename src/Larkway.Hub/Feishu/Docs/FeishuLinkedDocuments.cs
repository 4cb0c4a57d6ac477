using Larkway.Feishu;
using Larkway.Feishu.Docs;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Context;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu.Docs;

/// <summary>
/// The Feishu documents a question links, read for the asker on any platform: docx documents and wiki pages holding one,
/// by the bot of the reading app, each only after <see cref="FeishuDocumentAccess"/> finds the asker may open it, as
/// whole blocks within the budget. Every link not read gets a note saying why and what to do; guests get none read.
/// </summary>
internal sealed partial class FeishuLinkedDocuments(
    IFeishuClientFactory clients,
    FeishuReadingApp readingApp,
    FeishuDocumentAccess access,
    IOptions<FeishuDocsOptions> options,
    ILogger<FeishuLinkedDocuments> logger,
    PeopleStore? people = null,
    Larkway.Hub.Platform.Hosting.HubAddress? address = null) : IAssistantContextSource
{
    public async Task<AssistantContext> ReadAsync(AssistantContextQuestion question, CancellationToken cancellationToken)
    {
        var links = FeishuDocLinks.Find(question.Text, options.Value.LinkHosts);
        if (links.Count == 0)
        {
            return AssistantContext.None;
        }

        var notes = new List<string>();
        if (question.PersonId is not { } personId)
        {
            return new AssistantContext([], ["I read documents only for people in the company directory: link your account with /link, then ask again."]);
        }

        if (await readingApp.ForAsync(question.Platform, question.App, cancellationToken).ConfigureAwait(false) is not { } app)
        {
            return new AssistantContext([], ["No Feishu app of this Hub reads documents: an administrator sets Larkway:Feishu:Docs:ReadingApp."]);
        }

        // Without the directory (a Hub composed without it) nobody can be known, so nothing is read.
        var person = people is null ? null : await people.ShareIdsAsync(personId, HubAppService.NameInStore(app), cancellationToken).ConfigureAwait(false);
        if (person?.OpenId is null)
        {
            return new AssistantContext([], ["I cannot tell who you are on Feishu, so I cannot tell which documents you may open: link your Feishu account with /link."]);
        }

        var bot = clients.GetClient(HubAppService.NameInStore(app));
        var documents = new List<AssistantContextDocument>();
        var left = question.BudgetChars;
        foreach (var link in links.Take(options.Value.MaxLinksPerQuestion))
        {
            if (left <= 0)
            {
                notes.Add($"I did not read {link.Url}: the question's documents already fill what I read.");
                continue;
            }

            var (document, note) = await ReadOneAsync(bot, link, person, left, question.Assistant, cancellationToken).ConfigureAwait(false);
            if (document is not null)
            {
                documents.Add(document);
                left -= document.Text.Length;
            }

            if (note is not null)
            {
                notes.Add(note);
            }
        }

        if (links.Count > options.Value.MaxLinksPerQuestion)
        {
            notes.Add($"I read the first {options.Value.MaxLinksPerQuestion} links only.");
        }

        return new AssistantContext(documents, notes);
    }

    private async Task<(AssistantContextDocument? Document, string? Note)> ReadOneAsync(
        FeishuClient bot, FeishuDocLink link, PersonShareIds person, int budget, string assistant, CancellationToken cancellationToken)
    {
        if (!link.IsReadable)
        {
            return (null, $"I did not read {link.Url}: it is {link.KindName}, and I read documents and wiki pages only.");
        }

        var documentId = link.Token;
        try
        {
            if (link.Kind == FeishuDocKind.Wiki)
            {
                var node = await bot.Docs.Wiki.GetNodeAsync(link.Token, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!node.IsDocx)
                {
                    return (null, $"I did not read {link.Url}: the wiki page holds {node.KindName}, and I read documents only.");
                }

                documentId = node.ObjToken;
            }

            var decision = await access.DecideAsync(bot, documentId, DriveFileType.Docx, person, cancellationToken).ConfigureAwait(false);
            LogDecision(logger, assistant, person.PersonId, documentId, decision.Allowed, decision.Evidence);
            if (!decision.Allowed)
            {
                // Rights the bot cannot see (a wiki space's, a folder's) are Feishu's to tell, asked as the person.
                return (null, $"I did not read {link.Url}: {decision.Why}"
                    + (decision.AskedAsPerson || decision.Gone ? "" : $" If you can open it on Feishu, let me ask Feishu as you: {ConnectUrl}"));
            }

            // Blocks come in reading order: once they hold more text than the budget, the rest would be cut anyway, so a
            // document of 20,000 blocks costs the pages the budget needs, not all of them.
            var blocks = new List<DocxBlock>();
            var read = 0;
            var more = false;
            await foreach (var block in bot.Docs.Blocks.List(documentId, DocxLimits.MaxBlocksPageSize, cancellationToken).ConfigureAwait(false))
            {
                if (read > budget)
                {
                    more = true;
                    break;
                }

                blocks.Add(block);
                read += block.Type == DocxBlockType.Page ? 0 : block.Text?.PlainText.Length ?? 0;
            }

            var title = blocks.FirstOrDefault(b => b.Type == DocxBlockType.Page)?.Text?.PlainText is { Length: > 0 } t ? t : "Untitled";
            var (text, within) = DocxPlainText.Within(DocxPlainText.Sections(blocks), budget);
            var cut = within || more;
            return (new AssistantContextDocument(title, link.Url, text, cut), cut ? $"“{title}” is long: I read its beginning only." : null);
        }
        catch (FeishuApiException ex) when (!ex.IsTransient)
        {
            LogReadRefused(logger, assistant, link.Kind.ToString(), ex.Code);
            return (null, $"I could not read {link.Url}: {Why(ex.Code)}");
        }
        catch (FeishuApiException ex)
        {
            LogReadRefused(logger, assistant, link.Kind.ToString(), ex.Code);
            return (null, $"I could not read {link.Url} just now (Feishu did not answer); ask again in a moment.");
        }
    }

    /// <summary>Where a person lets the assistant ask Feishu as them: a link people can open (the public URL, else the sandbox's address).</summary>
    private string ConnectUrl => address is null ? FeishuDocsConnect.Path + " on this Hub" : address.BaseUrl() + FeishuDocsConnect.Path;

    private static string Why(int code) => code switch
    {
        FeishuErrorCodes.DocxForbidden => "the assistant's Feishu app may not open it. Ask its owner to add the app (… → More → Add document app), then ask again.",
        FeishuErrorCodes.WikiPermissionDenied => "the assistant's Feishu app cannot see that wiki space. Ask a space admin to add the app (through a group holding its bot).",
        FeishuErrorCodes.DocxNotFound or FeishuErrorCodes.WikiNotFound or FeishuErrorCodes.DriveNotFound => "it does not exist. Check the link.",
        FeishuErrorCodes.DocxDeleted or FeishuErrorCodes.DriveDeleted or FeishuErrorCodes.DrivePermissionResourceDeleted => "it was deleted.",
        FeishuErrorCodes.DocxContentTooLarge => "it is larger than Feishu lets an app read at once.",
        FeishuErrorCodes.AppScopeMissing => "the assistant's Feishu app lacks the scope to read documents (docx:document:readonly, wiki:wiki:readonly); an administrator adds it.",
        _ => FeishuDocsErrors.WhatToDo(code) ?? $"Feishu refused ({code}).",
    };

    [LoggerMessage(EventId = LogEvents.AssistantLinkedDocument, Level = LogLevel.Information, Message = "Assistant {Assistant}: person {PersonId} asked about document {DocumentId}: allowed {Allowed} ({Evidence})")]
    private static partial void LogDecision(ILogger logger, string assistant, string personId, string documentId, bool allowed, string evidence);

    [LoggerMessage(EventId = LogEvents.AssistantLinkedDocumentRefused, Level = LogLevel.Warning, Message = "Assistant {Assistant}: a linked {Kind} could not be read (Feishu code {Code})")]
    private static partial void LogReadRefused(ILogger logger, string assistant, string kind, int code);
}
