using System.Text.Json;

namespace Larkway.Feishu.CardKit;

/// <summary>Argument checks that name what to fix, before anything is sent.</summary>
internal static class CardKitChecks
{
    public const int MaxIdLength = 20;
    public const int MaxUuidLength = 64;
    public const int MaxContentLength = 100_000;

    public static string CardId(string? cardId, string name)
    {
        if (string.IsNullOrWhiteSpace(cardId) || cardId.Length > MaxIdLength)
        {
            throw new ArgumentException($"The card id must be 1–{MaxIdLength} characters, as CardKit's create call returned it (e.g. \"7355439197428236291\").", name);
        }

        return cardId;
    }

    public static string ElementId(string? elementId, string name)
    {
        if (string.IsNullOrEmpty(elementId) || elementId.Length > MaxIdLength || !char.IsAsciiLetter(elementId[0])
            || !elementId.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"The element id '{elementId}' must be 1–{MaxIdLength} letters, digits or underscores, starting with a letter (the card JSON's element_id).", name);
        }

        return elementId;
    }

    public static string Uuid(string? uuid, string name)
    {
        if (uuid is null)
        {
            return Guid.NewGuid().ToString();
        }

        if (string.IsNullOrWhiteSpace(uuid) || uuid.Length > MaxUuidLength)
        {
            throw new ArgumentException($"The uuid must be 1–{MaxUuidLength} characters (it was {uuid.Length}); leave it null to have one generated.", name);
        }

        return uuid;
    }

    public static string Json(string? json, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json, name);
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{name} is not valid JSON: {e.Message}", name, e);
        }

        return json;
    }

    public static string Content(string? content, string name)
    {
        if (string.IsNullOrEmpty(content) || content.Length > MaxContentLength)
        {
            throw new ArgumentException($"The streamed text must be 1–{MaxContentLength} characters (it was {content?.Length ?? 0}); split a longer answer over another card.", name);
        }

        return content;
    }

    public static void Target(CardKitInsertion insertion, string? targetElementId)
    {
        if (insertion == CardKitInsertion.Append)
        {
            if (targetElementId is not null)
            {
                ElementId(targetElementId, nameof(targetElementId));
            }

            return;
        }

        if (targetElementId is null)
        {
            throw new ArgumentException($"{insertion} needs the target element id (the element to insert next to).", nameof(targetElementId));
        }

        ElementId(targetElementId, nameof(targetElementId));
    }

    public static string Wire(CardKitInsertion insertion) => insertion switch
    {
        CardKitInsertion.InsertBefore => "insert_before",
        CardKitInsertion.InsertAfter => "insert_after",
        _ => "append",
    };
}
