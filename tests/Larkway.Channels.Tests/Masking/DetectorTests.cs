using Larkway.Channels.Masking;
using Larkway.Channels.Masking.Detectors;

namespace Larkway.Channels.Tests.Masking;

public sealed class DetectorTests
{
    private static List<string> Find(PiiDetector detector, string text)
    {
        var found = new List<PiiSpan>();
        detector.Find(text, found);
        return [.. found.Select(s => text.Substring(s.Start, s.Length))];
    }

    [Theory]
    [InlineData("手机13812345678。", "13812345678")]
    [InlineData("call +86 139-1234-5678 now", "+86 139-1234-5678")]
    [InlineData("(+86)17712345678", "(+86)17712345678")]
    [InlineData("全角１３８１２３４５６７８", "１３８１２３４５６７８")]
    public void A_mobile_number_is_found_with_its_country_code(string text, string expected) =>
        Find(new ChinaMobileDetector(), text).ShouldBe([expected]);

    [Theory]
    [InlineData("12812345678")]
    [InlineData("138123456789")]
    [InlineData("A13812345678")]
    [InlineData("¥13812345678")]
    [InlineData("13812345678.50")]
    [InlineData("2023-13812345678")]
    [InlineData("138-1234 5678")]
    public void A_near_miss_is_not_a_mobile_number(string text) => Find(new ChinaMobileDetector(), text).ShouldBeEmpty();

    [Fact]
    public void A_mobile_number_displays_its_first_three_and_last_four_digits()
    {
        var detector = new ChinaMobileDetector();
        detector.DisplayMask("13812345678").ShouldBe("138****5678");
        detector.DisplayMask("+86 138-1234-5678").ShouldBe("+86 138****5678");
        detector.Normalize("+86 138-1234-5678").ShouldBe("13812345678");
    }

    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("11010519491231002x")]
    [InlineData("510107198802294562")] // 29 February of a leap year
    [InlineData("110105491231002")] // legacy 15 digits
    public void A_resident_id_with_a_right_check_character_and_a_real_date_is_found(string id) =>
        Find(new ResidentIdDetector(), $"身份证{id}号").ShouldBe([id]);

    [Theory]
    [InlineData("110105194912310021")] // check character wrong
    [InlineData("110105198902291230")] // 29 February 1989 (checksum right)
    [InlineData("11010519901301123X")] // month 13 (checksum right)
    [InlineData("990105199001011236")] // no province 99 (checksum right)
    [InlineData("123456789012345678")]
    [InlineData("110105491331002")] // legacy, month 13
    public void A_resident_id_near_miss_is_not_found(string id) => Find(new ResidentIdDetector(), id).ShouldBeEmpty();

    [Fact]
    public void Legacy_ids_can_be_left_out() =>
        Find(new ResidentIdDetector(includeLegacy: false), "110105491231002").ShouldBeEmpty();

    [Fact]
    public void A_resident_id_displays_its_province_prefecture_and_last_four()
    {
        var detector = new ResidentIdDetector();
        detector.DisplayMask("110101199003071234").ShouldBe("1101**********1234");
        detector.DisplayMask("110105491231002").ShouldBe("1101*******1002");
        detector.Normalize("１１０１０５１９４９１２３１００２ｘ").ShouldBe("11010519491231002X");
    }

    [Theory]
    [InlineData("6212261000012343")]
    [InlineData("6225 8801 2345 6783")]
    [InlineData("4367-4212-3456-7896")]
    [InlineData("3782 822463 10005")]
    [InlineData("6222 0202 0012 3456 788")]
    [InlineData("2223000048400011")]
    public void A_luhn_valid_card_with_an_issuer_prefix_is_found(string card) =>
        Find(new BankCardDetector(), $"卡号{card}，").ShouldBe([card]);

    [Theory]
    [InlineData("6212261000012344")] // Luhn wrong
    [InlineData("1700000000004")] // Luhn right, a millisecond timestamp
    [InlineData("订单号 6202311250001231")] // Luhn right, an order number
    [InlineData("6212 2610 0001 2343 1234")] // a piece of a longer grouped run
    [InlineData("6212-2610 0001-2343")] // separators mixed
    [InlineData("5105105105105100120")] // Luhn right, but Mastercard issues 16 digits only
    public void A_card_near_miss_is_not_found(string text) => Find(new BankCardDetector(), text).ShouldBeEmpty();

    [Fact]
    public void A_resident_id_is_not_a_card_even_when_it_passes_luhn()
    {
        // 18 digits shaped like an id (division code, birth year) belong to the id detector, right check character or not.
        const string idWithWrongCheck = "650102195703102027";
        DigitsPassLuhn(idWithWrongCheck).ShouldBeTrue();
        Find(new BankCardDetector(), idWithWrongCheck).ShouldBeEmpty();
    }

    [Fact]
    public void A_card_displays_its_last_four_digits() => new BankCardDetector().DisplayMask("6225 8801 2345 6783").ShouldBe("****6783");

    [Theory]
    [InlineData("邮箱alice@example.com。", "alice@example.com")]
    [InlineData("<Bob.Smith+tag@mail.example.co.uk>", "Bob.Smith+tag@mail.example.co.uk")]
    [InlineData("https://x.example/share?to=carol@example.com", "carol@example.com")]
    [InlineData("13812345678@163.com", "13812345678@163.com")]
    public void An_email_is_found(string text, string expected) => Find(new EmailDetector(), text).ShouldBe([expected]);

    [Theory]
    [InlineData("@alice")]
    [InlineData("ops@localhost")]
    [InlineData("a..b@example.com")]
    [InlineData("v1.2@3.4")]
    [InlineData("user@example.c")]
    public void An_email_near_miss_is_not_found(string text) => Find(new EmailDetector(), text).ShouldBeEmpty();

    [Fact]
    public void An_email_displays_its_first_character_and_domain() =>
        new EmailDetector().DisplayMask("alice@Example.com").ShouldBe("a***@Example.com");

    [Fact]
    public void A_detector_label_must_fit_in_a_placeholder() =>
        Should.Throw<ArgumentException>(() => new OddLabel()).Message.ShouldContain("upper-case ASCII");

    private static bool DigitsPassLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d;
        }

        return sum % 10 == 0;
    }

    private sealed class OddLabel() : PiiDetector("odd", "phone number")
    {
        public override void Find(ReadOnlySpan<char> text, List<PiiSpan> found)
        {
        }

        public override string Normalize(ReadOnlySpan<char> value) => value.ToString();

        public override string DisplayMask(ReadOnlySpan<char> value) => "*";
    }
}
