namespace Larkway.Feishu;

/// <summary>
/// Codes of Feishu Docs (docx v1: 177xxxx), the wiki (v2: 131xxx) and drive files and permissions (106xxxx), from the
/// error tables of their pages. Most come with HTTP 400 or 403; decide on the code.
/// <see cref="Docs.FeishuDocsErrors.WhatToDo"/> says what to do about each.
/// </summary>
public static partial class FeishuErrorCodes
{
    /// <summary>Docx: a parameter or the body is invalid.</summary>
    public const int DocxInvalidParameter = 1770001;
    /// <summary>Docx: no such document (a wrong id, or a wiki node token used as a document id).</summary>
    public const int DocxNotFound = 1770002;
    /// <summary>Docx: the document was deleted.</summary>
    public const int DocxDeleted = 1770003;
    /// <summary>Docx: the document has too many blocks.</summary>
    public const int DocxTooManyBlocks = 1770004;
    /// <summary>Docx: blocks nest too deep.</summary>
    public const int DocxTooDeep = 1770005;
    /// <summary>Docx: the blocks' structure is invalid.</summary>
    public const int DocxSchemaMismatch = 1770006;
    /// <summary>Docx: a block has too many children.</summary>
    public const int DocxTooManyChildren = 1770007;
    /// <summary>Docx: the revision asked for is more than 1,000 behind the latest.</summary>
    public const int DocxRevisionTooOld = 1770021;
    /// <summary>Docx: an operation the block does not allow (a link on something other than a text run, …).</summary>
    public const int DocxInvalidOperation = 1770024;
    /// <summary>Docx: this kind of block cannot be created through the API.</summary>
    public const int DocxBlockNotCreatable = 1770029;
    /// <summary>Docx: the caller may not read (or, for writes, edit) the document.</summary>
    public const int DocxForbidden = 1770032;
    /// <summary>Docx: the document's text is over 10,485,760 characters.</summary>
    public const int DocxContentTooLarge = 1770033;
    /// <summary>Docx: another document is being created in the same folder; create one at a time.</summary>
    public const int DocxFolderLocked = 1770036;
    /// <summary>Docx: the folder holds too many files.</summary>
    public const int DocxFolderFull = 1770037;
    /// <summary>Docx: no such folder.</summary>
    public const int DocxFolderNotFound = 1770039;
    /// <summary>Docx: the caller may not create documents in the folder.</summary>
    public const int DocxNoFolderPermission = 1770040;
    /// <summary>A text block over 100,000 characters.</summary>
    public const int DocxTextTooLong = 4000027;

    /// <summary>Wiki: no such space, node or member.</summary>
    public const int WikiNotFound = 131005;
    /// <summary>Wiki: the caller is not a member of the space, or may not read the node.</summary>
    public const int WikiPermissionDenied = 131006;
    /// <summary>Wiki: a parameter is invalid.</summary>
    public const int WikiInvalidParameter = 131002;

    /// <summary>Drive: no such file, or the type given does not match the file's.</summary>
    public const int DriveNotFound = 1061003;
    /// <summary>Drive: the caller may not use the file or folder.</summary>
    public const int DriveForbidden = 1061004;
    /// <summary>Drive: the file was deleted.</summary>
    public const int DriveDeleted = 1061007;
    /// <summary>Drive permissions: a parameter is invalid (the type does not match the file, no such member, …).</summary>
    public const int DrivePermissionInvalidParameter = 1063001;
    /// <summary>Drive permissions: the caller may not manage the file's collaborators (only the owner transfers it).</summary>
    public const int DrivePermissionDenied = 1063002;
    /// <summary>Drive permissions: an operation the file's settings or the two parties' visibility forbid.</summary>
    public const int DrivePermissionInvalidOperation = 1063003;
    /// <summary>Drive permissions: the file was deleted.</summary>
    public const int DrivePermissionResourceDeleted = 1063005;
    /// <summary>Drive permissions: too many requests.</summary>
    public const int DrivePermissionRateLimited = 1063006;
}
