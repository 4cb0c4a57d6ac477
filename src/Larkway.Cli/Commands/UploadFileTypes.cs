using Larkway.Feishu.Im;

namespace Larkway.Cli.Commands;

/// <summary>Maps a file name to the upload <c>file_type</c> Feishu expects.</summary>
internal static class UploadFileTypes
{
    public static FileType FromFileName(string fileName) => Path.GetExtension(fileName).ToUpperInvariant() switch
    {
        ".OPUS" => FileType.Opus,
        ".MP4" => FileType.Mp4,
        ".PDF" => FileType.Pdf,
        ".DOC" or ".DOCX" => FileType.Doc,
        ".XLS" or ".XLSX" => FileType.Xls,
        ".PPT" or ".PPTX" => FileType.Ppt,
        _ => FileType.Stream,
    };
}
