using System.Xml;

namespace Larkway.WeCom.Callbacks;

/// <summary>XML read safely: no DTD, no external entities, no resolver.</summary>
internal static class WeComXml
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = 4 * 1024 * 1024,
        IgnoreComments = true,
    };

    public static XmlDocument Load(string xml)
    {
        var document = new XmlDocument { XmlResolver = null };
        using var text = new StringReader(xml);
        using var reader = XmlReader.Create(text, Settings);
        document.Load(reader);
        return document;
    }
}
