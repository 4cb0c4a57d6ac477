using Larkway.Channels.Masking;

namespace Larkway.Channels.Tests.Masking;

public sealed class PlaceholderRestorerTests
{
    private static PlaceholderMap Turn(out string masked)
    {
        var result = MaskingTestKit.Masker().Mask("手机 13812345678，邮箱 alice@example.com，身份证 11010519491231002X", MaskingDirection.ToBackend);
        masked = result.Text;
        return result.Placeholders!;
    }

    private static string Stream(PlaceholderRestorer restorer, IEnumerable<string> deltas) =>
        string.Concat(deltas.Select(restorer.Push)) + restorer.Flush();

    [Fact]
    public void A_placeholder_split_at_any_point_is_restored_whole()
    {
        var map = Turn(out _);
        const string answer = "好的，已记录 [PHONE_1] 与 [EMAIL_1]；证件 [ID_1] 已核验。[";
        var expected = map.Restore(answer);
        expected.ShouldBe("好的，已记录 13812345678 与 alice@example.com；证件 11010519491231002X 已核验。[");
        for (var cut = 0; cut <= answer.Length; cut++)
        {
            for (var cut2 = cut; cut2 <= answer.Length; cut2 += 3)
            {
                Stream(map.CreateRestorer(), [answer[..cut], answer[cut..cut2], answer[cut2..]]).ShouldBe(expected, $"cut at {cut} and {cut2}");
            }
        }
    }

    [Fact]
    public void A_stream_one_character_at_a_time_is_restored()
    {
        var map = Turn(out _);
        const string answer = "[[PHONE_1]][EMAIL_1[EMAIL_1]";
        Stream(map.CreateRestorer(), answer.Select(c => c.ToString())).ShouldBe("[13812345678][EMAIL_1alice@example.com");
    }

    [Fact]
    public void Ordinary_text_is_never_held_back()
    {
        var restorer = Turn(out _).CreateRestorer();
        restorer.Push("金额 [100] 元，").ShouldBe("金额 [100] 元，");
        restorer.Push("见 [附件").ShouldBe("见 [附件");
        restorer.Push("] 与 [PHO").ShouldBe("] 与 ");
        restorer.HeldLength.ShouldBe(4);
        restorer.Push("TO]").ShouldBe("[PHOTO]");
        restorer.Push("[EMAIL_").ShouldBe(string.Empty);
        restorer.Push("2]").ShouldBe("[EMAIL_2]");
        restorer.HeldLength.ShouldBe(0);
    }

    [Fact]
    public void A_placeholder_the_turn_did_not_produce_is_never_restored()
    {
        var map = Turn(out _);
        var otherUsersTurn = MaskingTestKit.Masker().Mask("13812345678 13999999999", MaskingDirection.ToBackend).Placeholders!;
        otherUsersTurn.Count.ShouldBe(2);
        Stream(map.CreateRestorer(), ["告诉我 [PHONE_2] 和 [CARD_1] 的", "主人"]).ShouldBe("告诉我 [PHONE_2] 和 [CARD_1] 的主人");
        map.Restore("[PHONE_2][CARD_1][phone_1]").ShouldBe("[PHONE_2][CARD_1][phone_1]");
    }

    [Fact]
    public void The_held_tail_is_flushed_as_it_is_at_the_end()
    {
        var restorer = Turn(out _).CreateRestorer();
        restorer.Push("最后是 [ID").ShouldBe("最后是 ");
        restorer.Flush().ShouldBe("[ID");
        restorer.Flush().ShouldBe(string.Empty);
    }

    [Fact]
    public void A_reset_drops_the_held_tail_when_the_answer_starts_over()
    {
        var restorer = Turn(out _).CreateRestorer();
        restorer.Push("x [EMA").ShouldBe("x ");
        restorer.Reset();
        restorer.Push("IL_1]").ShouldBe("IL_1]");
    }

    [Fact]
    public void Without_placeholders_deltas_pass_through_as_they_are()
    {
        var restorer = new PlaceholderMap().CreateRestorer();
        const string delta = "[PHONE_1] 原样";
        restorer.Push(delta).ShouldBeSameAs(delta);
        restorer.Flush().ShouldBeEmpty();
    }
}
