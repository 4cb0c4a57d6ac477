using System.Text.Json.Serialization;

namespace Larkway.WeCom.Messages;

/// <summary>
/// A template card (模板卡片), as app messages and the group robot send it. Build one with the factory of its type —
/// <see cref="TextNotice"/>, <see cref="NewsNotice"/>, <see cref="ButtonInteraction"/>, <see cref="VoteInteraction"/>,
/// <see cref="MultipleInteraction"/> — which checks the fields that type needs; set the optional parts with <c>with</c>.
/// Field names are WeCom's.
/// </summary>
public sealed record WeComTemplateCard
{
    /// <summary>text_notice, news_notice, button_interaction, vote_interaction or multiple_interaction.</summary>
    [JsonPropertyName("card_type")]
    public string CardType { get; init; } = "";

    /// <summary>The source line at the top (icon, text, colour).</summary>
    [JsonPropertyName("source")]
    public WeComCardSource? Source { get; init; }

    /// <summary>The top-right menu (app messages; needs <see cref="TaskId"/>).</summary>
    [JsonPropertyName("action_menu")]
    public WeComCardActionMenu? ActionMenu { get; init; }

    /// <summary>The card's id (letters, digits, _-@; at most 128 bytes), required by interaction cards and the action menu; unique per app.</summary>
    [JsonPropertyName("task_id")]
    public string? TaskId { get; init; }

    /// <summary>The title and its description.</summary>
    [JsonPropertyName("main_title")]
    public WeComCardTitle? MainTitle { get; init; }

    /// <summary>A quoted block.</summary>
    [JsonPropertyName("quote_area")]
    public WeComCardQuoteArea? QuoteArea { get; init; }

    /// <summary>The emphasised figure (text_notice).</summary>
    [JsonPropertyName("emphasis_content")]
    public WeComCardTitle? EmphasisContent { get; init; }

    /// <summary>Secondary text.</summary>
    [JsonPropertyName("sub_title_text")]
    public string? SubTitleText { get; init; }

    /// <summary>The image and text block (news_notice).</summary>
    [JsonPropertyName("image_text_area")]
    public WeComCardImageTextArea? ImageTextArea { get; init; }

    /// <summary>The large image (news_notice).</summary>
    [JsonPropertyName("card_image")]
    public WeComCardImage? CardImage { get; init; }

    /// <summary>Title and description pairs (news_notice; at most 4).</summary>
    [JsonPropertyName("vertical_content_list")]
    public IReadOnlyList<WeComCardTitle>? VerticalContentList { get; init; }

    /// <summary>Key and value lines (at most 6).</summary>
    [JsonPropertyName("horizontal_content_list")]
    public IReadOnlyList<WeComCardHorizontalContent>? HorizontalContentList { get; init; }

    /// <summary>Links at the bottom (at most 3).</summary>
    [JsonPropertyName("jump_list")]
    public IReadOnlyList<WeComCardJump>? JumpList { get; init; }

    /// <summary>What a click on the card does (required by text_notice and news_notice).</summary>
    [JsonPropertyName("card_action")]
    public WeComCardAction? CardAction { get; init; }

    /// <summary>A drop-down above the buttons (button_interaction).</summary>
    [JsonPropertyName("button_selection")]
    public WeComCardSelect? ButtonSelection { get; init; }

    /// <summary>The buttons (button_interaction; 1–6).</summary>
    [JsonPropertyName("button_list")]
    public IReadOnlyList<WeComCardButton>? ButtonList { get; init; }

    /// <summary>The options (vote_interaction).</summary>
    [JsonPropertyName("checkbox")]
    public WeComCardCheckbox? Checkbox { get; init; }

    /// <summary>The drop-downs (multiple_interaction; 1–3).</summary>
    [JsonPropertyName("select_list")]
    public IReadOnlyList<WeComCardSelect>? SelectList { get; init; }

    /// <summary>The submit button (vote_interaction, multiple_interaction).</summary>
    [JsonPropertyName("submit_button")]
    public WeComCardSubmitButton? SubmitButton { get; init; }

    /// <summary>A text notice: a title (or sub-title text) and what a click does.</summary>
    public static WeComTemplateCard TextNotice(WeComCardTitle mainTitle, WeComCardAction cardAction) =>
        new() { CardType = "text_notice", MainTitle = mainTitle, CardAction = cardAction };

    /// <summary>A news notice: a title, an image and what a click does.</summary>
    public static WeComTemplateCard NewsNotice(WeComCardTitle mainTitle, WeComCardImage cardImage, WeComCardAction cardAction) =>
        new() { CardType = "news_notice", MainTitle = mainTitle, CardImage = cardImage, CardAction = cardAction };

    /// <summary>Buttons that call back (<c>template_card_event</c>) with their key.</summary>
    public static WeComTemplateCard ButtonInteraction(string taskId, WeComCardTitle mainTitle, params IReadOnlyList<WeComCardButton> buttons) =>
        new() { CardType = "button_interaction", TaskId = taskId, MainTitle = mainTitle, ButtonList = buttons };

    /// <summary>A vote: options to tick and a submit button.</summary>
    public static WeComTemplateCard VoteInteraction(string taskId, WeComCardTitle mainTitle, WeComCardCheckbox checkbox, WeComCardSubmitButton submit) =>
        new() { CardType = "vote_interaction", TaskId = taskId, MainTitle = mainTitle, Checkbox = checkbox, SubmitButton = submit };

    /// <summary>Up to three drop-downs and a submit button.</summary>
    public static WeComTemplateCard MultipleInteraction(string taskId, WeComCardTitle mainTitle, IReadOnlyList<WeComCardSelect> selects, WeComCardSubmitButton submit) =>
        new() { CardType = "multiple_interaction", TaskId = taskId, MainTitle = mainTitle, SelectList = selects, SubmitButton = submit };

    /// <summary>Checks the card against WeCom's documented rules; throws naming the first one broken.</summary>
    /// <param name="forRobot">True for a group robot, which sends text_notice and news_notice only.</param>
    internal void Validate(bool forRobot)
    {
        var what = $"template_card {CardType}";
        string[] types = forRobot ? ["text_notice", "news_notice"] : ["text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"];
        if (!types.Contains(CardType))
        {
            throw Limits.Invalid($"template_card.card_type must be one of {string.Join(", ", types)}, not '{CardType}'.");
        }

        var interactive = CardType is "button_interaction" or "vote_interaction" or "multiple_interaction";
        if ((interactive || ActionMenu is not null) && string.IsNullOrEmpty(TaskId))
        {
            throw Limits.Invalid($"A {what} needs a task_id (unique per app, at most 128 bytes) so that clicks and updates can name it.");
        }

        Limits.MaxBytes(TaskId, 128, "template_card.task_id");
        if (CardType is "text_notice" or "news_notice")
        {
            if (string.IsNullOrEmpty(MainTitle?.Title) && string.IsNullOrEmpty(SubTitleText))
            {
                throw Limits.Invalid($"A {what} needs main_title.title or sub_title_text.");
            }

            if (CardAction is null)
            {
                throw Limits.Invalid($"A {what} needs card_action (what a click on the card does).");
            }
        }
        else if (string.IsNullOrEmpty(MainTitle?.Title))
        {
            throw Limits.Invalid($"A {what} needs main_title.title.");
        }

        if (CardType == "news_notice" && string.IsNullOrEmpty(CardImage?.Url) && ImageTextArea is null)
        {
            throw Limits.Invalid("A template_card news_notice needs card_image.url (or image_text_area).");
        }

        Limits.MaxBytes(MainTitle?.Title, 128, "template_card.main_title.title");
        Limits.MaxBytes(MainTitle?.Desc, 512, "template_card.main_title.desc");
        Limits.Count(HorizontalContentList, 0, 6, "template_card.horizontal_content_list");
        Limits.Count(JumpList, 0, 3, "template_card.jump_list");
        Limits.Count(VerticalContentList, 0, 4, "template_card.vertical_content_list");
        if (CardType == "button_interaction")
        {
            Limits.Count(ButtonList, 1, 6, "template_card.button_list");
        }

        if (CardType == "vote_interaction")
        {
            if (Checkbox is null || SubmitButton is null)
            {
                throw Limits.Invalid("A template_card vote_interaction needs checkbox and submit_button.");
            }

            Limits.Count(Checkbox.OptionList, 1, 20, "template_card.checkbox.option_list");
        }

        if (CardType == "multiple_interaction")
        {
            if (SubmitButton is null)
            {
                throw Limits.Invalid("A template_card multiple_interaction needs submit_button.");
            }

            Limits.Count(SelectList, 1, 3, "template_card.select_list");
            foreach (var select in SelectList!)
            {
                Limits.Count(select.OptionList, 1, 10, "template_card.select_list[].option_list");
            }
        }
    }
}

/// <summary>The card's source line.</summary>
public sealed record WeComCardSource(
    [property: JsonPropertyName("icon_url")] string? IconUrl = null,
    [property: JsonPropertyName("desc")] string? Desc = null,
    [property: JsonPropertyName("desc_color")] int? DescColor = null);

/// <summary>The top-right menu.</summary>
public sealed record WeComCardActionMenu(
    [property: JsonPropertyName("desc")] string? Desc,
    [property: JsonPropertyName("action_list")] IReadOnlyList<WeComCardMenuAction> ActionList);

/// <summary>A menu entry: its text and the key its click calls back with.</summary>
public sealed record WeComCardMenuAction([property: JsonPropertyName("text")] string Text, [property: JsonPropertyName("key")] string Key);

/// <summary>A title and its description.</summary>
public sealed record WeComCardTitle([property: JsonPropertyName("title")] string? Title = null, [property: JsonPropertyName("desc")] string? Desc = null);

/// <summary>A quoted block; <c>type</c> 0 none, 1 URL, 2 mini program.</summary>
public sealed record WeComCardQuoteArea(
    [property: JsonPropertyName("type")] int? Type = null,
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("appid")] string? AppId = null,
    [property: JsonPropertyName("pagepath")] string? PagePath = null,
    [property: JsonPropertyName("title")] string? Title = null,
    [property: JsonPropertyName("quote_text")] string? QuoteText = null);

/// <summary>The image and text block of a news notice.</summary>
public sealed record WeComCardImageTextArea(
    [property: JsonPropertyName("image_url")] string ImageUrl,
    [property: JsonPropertyName("type")] int? Type = null,
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("title")] string? Title = null,
    [property: JsonPropertyName("desc")] string? Desc = null);

/// <summary>The large image of a news notice.</summary>
public sealed record WeComCardImage([property: JsonPropertyName("url")] string Url, [property: JsonPropertyName("aspect_ratio")] double? AspectRatio = null);

/// <summary>A key and value line; <c>type</c> 1 URL, 2 file (media_id), 3 member (userid).</summary>
public sealed record WeComCardHorizontalContent(
    [property: JsonPropertyName("keyname")] string KeyName,
    [property: JsonPropertyName("value")] string? Value = null,
    [property: JsonPropertyName("type")] int? Type = null,
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("media_id")] string? MediaId = null,
    [property: JsonPropertyName("userid")] string? UserId = null);

/// <summary>A link at the bottom; <c>type</c> 1 URL, 2 mini program.</summary>
public sealed record WeComCardJump(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("type")] int? Type = null,
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("appid")] string? AppId = null,
    [property: JsonPropertyName("pagepath")] string? PagePath = null);

/// <summary>What a click on the card does; <c>type</c> 1 URL, 2 mini program.</summary>
public sealed record WeComCardAction(
    [property: JsonPropertyName("type")] int Type,
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("appid")] string? AppId = null,
    [property: JsonPropertyName("pagepath")] string? PagePath = null)
{
    /// <summary>A click opens <paramref name="url"/>.</summary>
    public static WeComCardAction OpenUrl(string url) => new(1, url);
}

/// <summary>A button; <c>style</c> 1–4; <c>type</c> 0 calls back with <see cref="Key"/>, 1 opens <see cref="Url"/>.</summary>
public sealed record WeComCardButton(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("key")] string? Key = null,
    [property: JsonPropertyName("style")] int? Style = null,
    [property: JsonPropertyName("type")] int? Type = null,
    [property: JsonPropertyName("url")] string? Url = null);

/// <summary>A drop-down: its question key, title, options and preselected option.</summary>
public sealed record WeComCardSelect(
    [property: JsonPropertyName("question_key")] string QuestionKey,
    [property: JsonPropertyName("option_list")] IReadOnlyList<WeComCardOption> OptionList,
    [property: JsonPropertyName("title")] string? Title = null,
    [property: JsonPropertyName("selected_id")] string? SelectedId = null);

/// <summary>An option of a drop-down or checkbox.</summary>
public sealed record WeComCardOption(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("is_checked")] bool? IsChecked = null);

/// <summary>The options of a vote; <c>mode</c> 0 single, 1 multiple.</summary>
public sealed record WeComCardCheckbox(
    [property: JsonPropertyName("question_key")] string QuestionKey,
    [property: JsonPropertyName("option_list")] IReadOnlyList<WeComCardOption> OptionList,
    [property: JsonPropertyName("mode")] int? Mode = null);

/// <summary>The submit button: its text and the key it calls back with.</summary>
public sealed record WeComCardSubmitButton([property: JsonPropertyName("text")] string Text, [property: JsonPropertyName("key")] string Key);
