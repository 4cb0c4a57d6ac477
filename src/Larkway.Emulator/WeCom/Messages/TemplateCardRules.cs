using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.WeCom.Platform;

namespace Larkway.Emulator.WeCom.Messages;

/// <summary>
/// The template card (模板卡片) rules of <c>message/send</c> and <c>update_template_card</c> (document 90236): the five card
/// types, their required parts, list limits and keys. A card that breaks one is 40058 naming the field and the rule.
/// </summary>
internal static partial class TemplateCardRules
{
    public const string TextNotice = "text_notice";
    public const string NewsNotice = "news_notice";
    public const string ButtonInteraction = "button_interaction";
    public const string VoteInteraction = "vote_interaction";
    public const string MultipleInteraction = "multiple_interaction";

    /// <summary>Cards whose clicks call the app back: send returns a response_code for them.</summary>
    public static bool IsInteractive(string cardType) => cardType is ButtonInteraction or VoteInteraction or MultipleInteraction;

    /// <summary>Checks the card; returns its type and task_id (null when it has none).</summary>
    public static (string CardType, string? TaskId) Check(JsonElement card)
    {
        var type = card.Str("card_type", "template_card.card_type");
        if (type is not (TextNotice or NewsNotice or ButtonInteraction or VoteInteraction or MultipleInteraction))
        {
            throw WeComException.InvalidParameter($"template_card.card_type must be one of {TextNotice}, {NewsNotice}, {ButtonInteraction}, {VoteInteraction}, {MultipleInteraction}");
        }

        var title = card.Obj("main_title", "template_card.main_title")?.Str("title", "template_card.main_title.title");
        if (type == TextNotice && string.IsNullOrEmpty(title) && string.IsNullOrEmpty(card.Str("sub_title_text", "template_card.sub_title_text")))
        {
            throw WeComException.InvalidParameter("a text_notice card needs main_title.title or sub_title_text");
        }

        if (type != TextNotice && string.IsNullOrEmpty(title))
        {
            throw WeComException.InvalidParameter($"a {type} card needs main_title.title");
        }

        var taskId = card.Str("task_id", "template_card.task_id");
        var menu = card.Obj("action_menu", "template_card.action_menu");
        if ((IsInteractive(type) || menu is not null) && string.IsNullOrEmpty(taskId))
        {
            throw WeComException.InvalidParameter($"template_card.task_id is required for a {type} card{(menu is null ? string.Empty : " with an action_menu")}");
        }

        if (taskId is not null && !TaskIdPattern().IsMatch(taskId))
        {
            throw WeComException.InvalidParameter("template_card.task_id may only hold letters, digits and _-@, at most 128 bytes");
        }

        if (menu is { } m)
        {
            var actions = m.Arr("action_list", "template_card.action_menu.action_list") ?? [];
            CheckCount(actions, 1, 3, "template_card.action_menu.action_list");
            CheckKeys(actions.Select((a, i) => a.RequiredStr("key", $"template_card.action_menu.action_list[{i}].key")), "template_card.action_menu.action_list");
            foreach (var (action, i) in actions.Select((a, i) => (a, i)))
            {
                action.RequiredStr("text", $"template_card.action_menu.action_list[{i}].text");
            }
        }

        CheckCount(card.Arr("horizontal_content_list", "template_card.horizontal_content_list") ?? [], 0, 6, "template_card.horizontal_content_list");
        foreach (var (item, i) in (card.Arr("horizontal_content_list") ?? []).Select((x, i) => (x, i)))
        {
            var path = $"template_card.horizontal_content_list[{i}]";
            item.RequiredStr("keyname", path + ".keyname");
            RequireFor(item, path, 1, "url");
            RequireFor(item, path, 2, "media_id");
            RequireFor(item, path, 3, "userid");
        }

        CheckCount(card.Arr("jump_list", "template_card.jump_list") ?? [], 0, 3, "template_card.jump_list");
        foreach (var (item, i) in (card.Arr("jump_list") ?? []).Select((x, i) => (x, i)))
        {
            var path = $"template_card.jump_list[{i}]";
            item.RequiredStr("title", path + ".title");
            RequireFor(item, path, 1, "url");
            RequireFor(item, path, 2, "appid");
        }

        var cardAction = card.Obj("card_action", "template_card.card_action");
        if (type is TextNotice or NewsNotice && cardAction is null)
        {
            throw WeComException.InvalidParameter($"template_card.card_action is required for a {type} card");
        }

        if (cardAction is { } a2)
        {
            var actionType = a2.Int("type", "template_card.card_action.type") ?? 0;
            if (type is TextNotice or NewsNotice && actionType is not (1 or 2))
            {
                throw WeComException.InvalidParameter($"template_card.card_action.type must be 1 (url) or 2 (mini program) on a {type} card");
            }

            RequireFor(a2, "template_card.card_action", 1, "url");
            RequireFor(a2, "template_card.card_action", 2, "appid");
        }

        switch (type)
        {
            case NewsNotice:
                if (card.Obj("card_image", "template_card.card_image") is null && card.Obj("image_text_area", "template_card.image_text_area") is null)
                {
                    throw WeComException.InvalidParameter("a news_notice card needs card_image or image_text_area");
                }

                card.Obj("card_image")?.RequiredStr("url", "template_card.card_image.url");
                card.Obj("image_text_area")?.RequiredStr("image_url", "template_card.image_text_area.image_url");
                CheckCount(card.Arr("vertical_content_list", "template_card.vertical_content_list") ?? [], 0, 4, "template_card.vertical_content_list");
                break;
            case ButtonInteraction:
                var buttons = card.Arr("button_list", "template_card.button_list") ?? [];
                CheckCount(buttons, 1, 6, "template_card.button_list");
                var keys = new List<string>();
                foreach (var (button, i) in buttons.Select((b, i) => (b, i)))
                {
                    var path = $"template_card.button_list[{i}]";
                    button.RequiredStr("text", path + ".text");
                    if ((button.Int("type", path + ".type") ?? 0) == 1)
                    {
                        button.RequiredStr("url", path + ".url");
                    }
                    else
                    {
                        keys.Add(button.RequiredStr("key", path + ".key"));
                    }
                }

                CheckKeys(keys, "template_card.button_list");
                if (card.Obj("button_selection", "template_card.button_selection") is { } selection)
                {
                    CheckQuestion(selection, "template_card.button_selection", 10);
                }

                break;
            case VoteInteraction:
                var checkbox = card.Obj("checkbox", "template_card.checkbox") ?? throw WeComException.InvalidParameter("a vote_interaction card needs checkbox");
                CheckQuestion(checkbox, "template_card.checkbox", 20);
                CheckSubmit(card);
                break;
            case MultipleInteraction:
                var selects = card.Arr("select_list", "template_card.select_list") ?? [];
                CheckCount(selects, 1, 3, "template_card.select_list");
                foreach (var (select, i) in selects.Select((s, i) => (s, i)))
                {
                    CheckQuestion(select, $"template_card.select_list[{i}]", 10);
                }

                CheckKeys(selects.Select(s => s.Str("question_key")!), "template_card.select_list");
                CheckSubmit(card);
                break;
        }

        return (type, taskId);
    }

    /// <summary>The callback buttons a member can press: (key, text, style) for button cards; the submit button for the others.</summary>
    public static IReadOnlyList<(string Key, string Text, int Style)> Buttons(JsonElement card)
    {
        var type = card.Str("card_type");
        if (type == ButtonInteraction)
        {
            return [.. (card.Arr("button_list") ?? []).Where(b => (b.Int("type") ?? 0) == 0).Select(b => (b.Str("key")!, b.Str("text")!, (int)(b.Int("style") ?? 1)))];
        }

        return card.Obj("submit_button") is { } submit ? [(submit.Str("key")!, submit.Str("text") ?? "提交", 1)] : [];
    }

    private static void CheckQuestion(JsonElement question, string path, int maxOptions)
    {
        question.RequiredStr("question_key", path + ".question_key");
        var options = question.Arr("option_list", path + ".option_list") ?? [];
        CheckCount(options, 1, maxOptions, path + ".option_list");
        CheckKeys(options.Select((o, i) => o.RequiredStr("id", $"{path}.option_list[{i}].id")), path + ".option_list");
        foreach (var (option, i) in options.Select((o, i) => (o, i)))
        {
            option.RequiredStr("text", $"{path}.option_list[{i}].text");
        }
    }

    private static void CheckSubmit(JsonElement card)
    {
        var submit = card.Obj("submit_button", "template_card.submit_button") ?? throw WeComException.InvalidParameter($"a {card.Str("card_type")} card needs submit_button");
        submit.RequiredStr("key", "template_card.submit_button.key");
    }

    private static void RequireFor(JsonElement item, string path, long type, string field)
    {
        if ((item.Int("type", path + ".type") ?? 0) == type && string.IsNullOrEmpty(item.Str(field, $"{path}.{field}")))
        {
            throw WeComException.InvalidParameter($"{path}.{field} is required when {path}.type is {type}");
        }
    }

    private static void CheckCount(IReadOnlyList<JsonElement> list, int min, int max, string path)
    {
        if (list.Count < min || list.Count > max)
        {
            throw WeComException.InvalidParameter(min == 0 ? $"{path} has at most {max} items" : $"{path} must have {min} to {max} items");
        }
    }

    private static void CheckKeys(IEnumerable<string> keys, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(key) > 1024)
            {
                throw WeComException.InvalidParameter($"a key or id in {path} is longer than 1024 bytes");
            }

            if (!seen.Add(key))
            {
                throw WeComException.InvalidParameter($"the key or id '{key}' repeats in {path}: each must be unique");
            }
        }
    }

    [GeneratedRegex("^[0-9A-Za-z_\\-@]{1,128}$")]
    private static partial Regex TaskIdPattern();
}
