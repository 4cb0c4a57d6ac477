using Larkway.Channels.Masking;
using Larkway.Channels.Masking.Detectors;

namespace Larkway.Channels.Tests.Masking;

public sealed partial class PiiMaskerTests
{
    private const string Question = "我是张三，手机13812345678，身份证11010519491231002X，卡号6212 2610 0001 2343，邮箱zhangsan@example.com。";

    [Fact]
    public void Display_mode_keeps_what_the_owner_recognises()
    {
        var result = MaskingTestKit.Masker().Mask(Question, MaskingRuleSet.AllBuiltIn(MaskingMode.Display), MaskingDirection.ToPlatform);
        result.Text.ShouldBe("我是张三，手机138****5678，身份证1101**********002X，卡号****2343，邮箱z***@example.com。");
        result.Placeholders.ShouldBeNull();
    }

    [Fact]
    public void Redact_mode_keeps_only_the_kind()
    {
        var result = MaskingTestKit.Masker().Mask(Question, MaskingRuleSet.AllBuiltIn(MaskingMode.Redact), MaskingDirection.ToStorage);
        result.Text.ShouldBe("我是张三，手机[PHONE]，身份证[ID]，卡号[CARD]，邮箱[EMAIL]。");
    }

    [Fact]
    public void Toward_the_backend_values_become_placeholders_that_the_answer_restores()
    {
        var masker = MaskingTestKit.Masker();
        var result = masker.Mask(Question, MaskingDirection.ToBackend);
        result.Text.ShouldBe("我是张三，手机[PHONE_1]，身份证[ID_1]，卡号[CARD_1]，邮箱[EMAIL_1]。");
        result.Text.ShouldNotContain("13812345678");
        var map = result.Placeholders.ShouldNotBeNull();
        map.Placeholders.ShouldBe(["[PHONE_1]", "[ID_1]", "[CARD_1]", "[EMAIL_1]"]);
        map.Restore("已为 [PHONE_1] 和 [EMAIL_1] 登记，卡 [CARD_1]。").ShouldBe("已为 13812345678 和 zhangsan@example.com 登记，卡 6212 2610 0001 2343。");
    }

    [Fact]
    public void The_same_value_gets_the_same_placeholder_across_the_texts_of_a_turn()
    {
        var masker = MaskingTestKit.Masker();
        var first = masker.Mask("打 138 1234 5678 或 13912345678", MaskingDirection.ToBackend);
        var map = first.Placeholders!;
        var second = masker.Mask("引用：13812345678 / +86 139-1234-5678 / 15012345678", MaskingDirection.ToBackend, map);
        first.Text.ShouldBe("打 [PHONE_1] 或 [PHONE_2]");
        second.Text.ShouldBe("引用：[PHONE_1] / [PHONE_2] / [PHONE_3]");
        second.Placeholders.ShouldBeSameAs(map);
        map.TryGetValue("[PHONE_1]", out var value).ShouldBeTrue();
        value.ShouldBe("138 1234 5678");
    }

    [Fact]
    public void A_placeholder_the_user_typed_is_never_given_to_a_value()
    {
        var result = MaskingTestKit.Masker().Mask("模板里写 [PHONE_1]，我的号码是 13812345678", MaskingDirection.ToBackend);
        result.Text.ShouldBe("模板里写 [PHONE_1]，我的号码是 [PHONE_2]");
        result.Placeholders!.Restore("[PHONE_1] / [PHONE_2]").ShouldBe("[PHONE_1] / 13812345678");
    }

    [Fact]
    public void The_next_turn_continues_the_numbering_without_the_values()
    {
        var masker = MaskingTestKit.Masker();
        var turn1 = masker.Mask("13812345678", MaskingDirection.ToBackend).Placeholders!;
        var turn2 = turn1.NextTurn();
        masker.Mask("13912345678", MaskingDirection.ToBackend, turn2).Text.ShouldBe("[PHONE_2]");
        turn2.Restore("[PHONE_1] [PHONE_2]").ShouldBe("[PHONE_1] 13912345678");
        new PlaceholderMap(turn2.LastNumbers).NextTurn().LastNumbers["PHONE"].ShouldBe(2);
    }

    [Fact]
    public void Every_masked_field_has_an_audit_entry_without_its_value()
    {
        var result = MaskingTestKit.Masker().Mask(Question, MaskingDirection.ToBackend);
        result.Audit.Select(a => a.Detector).ShouldBe(
            [PiiDetectorNames.ChinaMobile, PiiDetectorNames.ResidentId, PiiDetectorNames.BankCard, PiiDetectorNames.Email]);
        foreach (var entry in result.Audit)
        {
            entry.Direction.ShouldBe(MaskingDirection.ToBackend);
            entry.Mode.ShouldBe(MaskingMode.Placeholder);
            entry.Fingerprint.Length.ShouldBe(64);
            entry.Placeholder.ShouldNotBeNull();
            var value = Question.Substring(entry.Start, entry.Length);
            (entry.ToString() ?? string.Empty).ShouldNotContain(value);
        }

        Question.Substring(result.Audit[2].Start, result.Audit[2].Length).ShouldBe("6212 2610 0001 2343");
    }

    [Fact]
    public void A_fingerprint_is_the_same_for_the_same_value_and_key_and_differs_by_key()
    {
        var a = MaskingTestKit.Masker().Mask("13812345678", MaskingDirection.ToStorage).Audit.Single().Fingerprint;
        var sameWrittenOtherwise = MaskingTestKit.Masker().Mask("+86 138-1234-5678", MaskingDirection.ToStorage).Audit.Single().Fingerprint;
        var otherKey = MaskingTestKit.Masker(o => o.FingerprintKey = [.. Enumerable.Repeat((byte)7, 32)])
            .Mask("13812345678", MaskingDirection.ToStorage).Audit.Single().Fingerprint;
        var otherValue = MaskingTestKit.Masker().Mask("13812345679", MaskingDirection.ToStorage).Audit.Single().Fingerprint;
        sameWrittenOtherwise.ShouldBe(a);
        otherKey.ShouldNotBe(a);
        otherValue.ShouldNotBe(a);

        // HMAC-SHA256(key, "china_mobile:13812345678"), computed here independently.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(MaskingTestKit.Key, "china_mobile:13812345678"u8));
        a.ShouldBe(expected);
    }

    [Fact]
    public void Each_direction_follows_its_own_rule_set()
    {
        var masker = MaskingTestKit.Masker(o =>
        {
            o.ToPlatform = new MaskingRuleSet { Mode = MaskingMode.Display, Detectors = [PiiDetectorNames.ChinaMobile] };
        });
        const string text = "13812345678 alice@example.com";
        masker.Mask(text, MaskingDirection.ToPlatform).Text.ShouldBe("138****5678 alice@example.com");
        masker.Mask(text, MaskingDirection.ToBackend).Text.ShouldBe("[PHONE_1] [EMAIL_1]");
        masker.Mask(text, MaskingDirection.ToStorage).Text.ShouldBe("138****5678 a***@example.com");
    }

    [Fact]
    public void By_default_phones_ids_and_cards_are_masked_toward_the_platform_and_emails_are_not()
    {
        var result = MaskingTestKit.Masker().Mask(Question, MaskingDirection.ToPlatform);
        result.Text.ShouldBe("我是张三，手机138****5678，身份证1101**********002X，卡号****2343，邮箱zhangsan@example.com。");
    }

    [Theory]
    [InlineData("见 https://crm.example.com/c?phone=13812345678", "见 https://crm.example.com/c?phone=[PHONE_1]")]
    [InlineData("见 https://crm.example.com/c?a=1&id=11010519491231002X&b=2", "见 https://crm.example.com/c?a=1&id=[ID_1]&b=2")]
    [InlineData("见 www.example.com/pay?card=6212261000012343#top", "见 www.example.com/pay?card=[CARD_1]#top")]
    public void A_links_query_values_are_masked(string text, string masked) =>
        MaskingTestKit.Masker().Mask(text, MaskingDirection.ToBackend).Text.ShouldBe(masked);

    [Theory]
    [InlineData("见 https://crm.example.com/c/13812345678/edit", "见 https://crm.example.com/c/[PHONE_1]/edit")]
    [InlineData("见 https://crm.example.com/c/13812345678?tab=orders", "见 https://crm.example.com/c/[PHONE_1]?tab=orders")]
    [InlineData("见 https://crm.example.com/c?tab=orders#13812345678", "见 https://crm.example.com/c?tab=orders#[PHONE_1]")]
    [InlineData("见 https://13812345678.example.com/", "见 https://[PHONE_1].example.com/")]
    public void A_links_host_path_and_fragment_are_masked_too_and_toward_the_backend_the_link_keeps_its_shape(string text, string masked) =>
        MaskingTestKit.Masker().Mask(text, MaskingDirection.ToBackend).Text.ShouldBe(masked);

    [Fact]
    public void A_record_id_in_a_link_that_is_not_shaped_like_a_value_stays_as_it_is()
    {
        const string text = "见 https://crm.example.com/c/20231125001/edit?ts=1698765432109";
        MaskingTestKit.Masker().Mask(text, MaskingDirection.ToPlatform).Text.ShouldBeSameAs(text);
    }

    [Fact]
    public void Text_without_personal_data_comes_back_as_the_same_string()
    {
        const string text = "订单 202311251234567890 已于 2023-11-25 发货，金额 ¥1,299.00，见 https://example.com/o/20231125001";
        var result = MaskingTestKit.Masker().Mask(text, MaskingDirection.ToBackend);
        result.Text.ShouldBeSameAs(text);
        result.Audit.ShouldBeEmpty();
    }

    [Fact]
    public void An_email_holding_a_mobile_number_is_masked_once_as_an_email()
    {
        var result = MaskingTestKit.Masker().Mask("13812345678@163.com", MaskingDirection.ToBackend);
        result.Text.ShouldBe("[EMAIL_1]");
        result.Audit.ShouldHaveSingleItem().Detector.ShouldBe(PiiDetectorNames.Email);
    }

    [Fact]
    public void A_custom_detector_joins_by_name()
    {
        var masker = MaskingTestKit.Masker(o =>
        {
            o.Detectors.Add(new EmployeeNumberDetector());
            o.ToBackend = new MaskingRuleSet { Mode = MaskingMode.Placeholder, Detectors = ["employee", PiiDetectorNames.ChinaMobile] };
        });
        masker.Mask("工号 E123456，手机 13812345678", MaskingDirection.ToBackend).Text.ShouldBe("工号 [EMP_1]，手机 [PHONE_1]");
    }

    [Fact]
    public void Bad_options_say_what_to_fix()
    {
        Should.Throw<ArgumentException>(() => new PiiMasker(new MaskingOptions())).Message.ShouldContain("FingerprintKey");
        Should.Throw<ArgumentException>(() => MaskingTestKit.Masker(o => o.ToStorage.Detectors.Add("passport")))
            .Message.ShouldContain("'passport'");
        Should.Throw<ArgumentException>(() => MaskingTestKit.Masker(o => o.Detectors.Add(new EmailDetector())))
            .Message.ShouldContain("'email' twice");
        Should.Throw<ArgumentException>(() => MaskingTestKit.Masker().Mask("x", new MaskingRuleSet { Detectors = ["nope"] }, MaskingDirection.ToStorage))
            .Message.ShouldContain("'nope'");
    }

    [Fact]
    public void The_options_are_copied_when_the_masker_is_built()
    {
        var options = new MaskingOptions { FingerprintKey = [.. MaskingTestKit.Key] };
        var masker = new PiiMasker(options);
        options.ToBackend.Detectors.Clear();
        options.FingerprintKey[0] ^= 0xFF;
        var result = masker.Mask("13812345678", MaskingDirection.ToBackend);
        result.Text.ShouldBe("[PHONE_1]");
        result.Audit.Single().Fingerprint.ShouldBe(
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(MaskingTestKit.Key, "china_mobile:13812345678"u8)));
    }

    [Fact]
    public void Concurrent_calls_on_one_masker_agree()
    {
        var masker = MaskingTestKit.Masker();
        var expected = masker.Mask(Question, MaskingDirection.ToStorage);
        Parallel.For(0, 200, _ =>
        {
            var result = masker.Mask(Question, MaskingDirection.ToStorage);
            result.Text.ShouldBe(expected.Text);
            result.Audit.Select(a => a.Fingerprint).ShouldBe(expected.Audit.Select(a => a.Fingerprint));
        });
    }

    private sealed partial class EmployeeNumberDetector() : PiiDetector("employee", "EMP")
    {
        public override void Find(ReadOnlySpan<char> text, List<PiiSpan> found)
        {
            foreach (var m in Pattern().EnumerateMatches(text))
            {
                found.Add(new PiiSpan(m.Index, m.Length));
            }
        }

        public override string Normalize(ReadOnlySpan<char> value) => value.ToString();

        public override string DisplayMask(ReadOnlySpan<char> value) => "E******";

        [System.Text.RegularExpressions.GeneratedRegex(@"\bE\d{6}\b")]
        private static partial System.Text.RegularExpressions.Regex Pattern();
    }
}
