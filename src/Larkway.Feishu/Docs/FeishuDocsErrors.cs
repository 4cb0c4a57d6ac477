namespace Larkway.Feishu.Docs;

/// <summary>What to do about a docs, wiki or drive failure, in a sentence a person can act on.</summary>
public static class FeishuDocsErrors
{
    /// <summary>The advice for <paramref name="code"/>; null when it has none beyond Feishu's message.</summary>
    public static string? WhatToDo(int code) => code switch
    {
        FeishuErrorCodes.DocxNotFound => "The document does not exist: check the link (a wiki link must be resolved to its document first).",
        FeishuErrorCodes.DocxDeleted or FeishuErrorCodes.DriveDeleted or FeishuErrorCodes.DrivePermissionResourceDeleted =>
            "The document was deleted: restore it from the owner's trash, or link another.",
        FeishuErrorCodes.DocxForbidden => "The caller may not open the document: share it with the app (… → More → Add document app) or with the person.",
        FeishuErrorCodes.WikiPermissionDenied => "The caller is not a member of the wiki space and may not read the page: add the app (through a group holding its bot) or the person to the space.",
        FeishuErrorCodes.WikiNotFound => "The wiki space or page does not exist: check the link.",
        FeishuErrorCodes.DriveForbidden or FeishuErrorCodes.DrivePermissionDenied => "The caller may not manage the file's sharing: the owner or a manager must share it.",
        FeishuErrorCodes.DrivePermissionInvalidOperation => "Feishu refused the sharing change: the two parties must see each other, a chat must hold the app's bot, and departments cannot be added with the app's token.",
        FeishuErrorCodes.DocxContentTooLarge => "The document is over 10,485,760 characters: read its blocks a page at a time instead.",
        FeishuErrorCodes.DocxTooManyBlocks => "The document holds as many blocks as Feishu allows: write into a new document.",
        FeishuErrorCodes.DocxFolderNotFound => "The folder does not exist: check the folder token.",
        FeishuErrorCodes.DocxNoFolderPermission => "The caller may not create documents in the folder: give the app edit rights on it (through a group holding its bot).",
        FeishuErrorCodes.DocxFolderLocked => "Another document is being created in the folder: create one at a time.",
        FeishuErrorCodes.DriveSubscribeForbidden => "Only the document's owner or a manager may subscribe to its events: add the app as a manager (Add document app).",
        FeishuErrorCodes.AppScopeMissing => "The app lacks the API scope: add it in the developer console (e.g. docx:document:readonly, wiki:wiki:readonly) and publish a version.",
        FeishuErrorCodes.UserScopeMissing => "The person has not granted the app this scope: sign them in again asking for it.",
        FeishuErrorCodes.RateLimited or FeishuErrorCodes.DrivePermissionRateLimited => "Too many calls: wait and try again (Feishu allows 3 edits a second per document and per app).",
        _ => null,
    };
}
