using System.Globalization;
using System.Text;
using Larkway.Channels.Masking;

namespace Larkway.Channels.Tests.Masking.Corpus;

/// <summary>
/// The generated half of the corpus: valid and nearly-valid ids, cards, phones and emails, and the numbers that look
/// like them (order numbers, timestamps, amounts), in Chinese and English sentences. A fixed seed: the same corpus every
/// run. Every label comes from how the value was built, never from the library under test.
/// </summary>
internal sealed class CorpusGenerator(int seed)
{
    private static readonly string[] Divisions =
        ["110101", "110105", "120101", "130102", "210102", "230103", "310115", "320102", "330106", "350203", "370202",
         "420106", "440304", "450103", "510107", "530102", "610113", "650102", "460100", "810000", "820000", "830000"];

    private static readonly string[] Templates =
    [
        "请联系{0}，谢谢", "我的{1}是 {0}。", "{0}", "客户说：{0}", "Customer {0} called about the refund.", "备注：{0}（已核实）",
        "「{0}」", "{1}：{0}；其他信息见附件", "please check {0} again", "他报的{1}是{0}，对吗？", "- {0}", "\"{0}\"",
    ];

    private readonly Random _random = new(seed);

    public IEnumerable<CorpusSample> Generate()
    {
        for (var i = 0; i < 300; i++)
        {
            yield return Positive(PiiDetectorNames.ResidentId, "身份证号", ValidId(Year(1930, 2020)));
        }

        for (var i = 0; i < 40; i++)
        {
            yield return Positive(PiiDetectorNames.ResidentId, "身份证号", LegacyId());
        }

        for (var i = 0; i < 150; i++)
        {
            yield return Negative("身份证号", WrongCheckId());
            yield return Negative("身份证号", ImpossibleDateId());
        }

        for (var i = 0; i < 300; i++)
        {
            yield return RandomDigits(18, "记录号");
        }

        for (var i = 0; i < 300; i++)
        {
            yield return Positive(PiiDetectorNames.BankCard, "卡号", Grouped(ValidCard(), out _));
        }

        for (var i = 0; i < 150; i++)
        {
            var card = ValidCard();
            var wrong = card[..^1] + (char)('0' + ((card[^1] - '0' + 1 + _random.Next(9)) % 10));
            yield return Negative("卡号", Grouped(wrong, out _));
        }

        for (var i = 0; i < 200; i++)
        {
            yield return Negative("订单号", Digits(16 + _random.Next(4)), labelBefore: true);
        }

        for (var i = 0; i < 150; i++)
        {
            yield return Negative("时间", Timestamp());
        }

        for (var i = 0; i < 300; i++)
        {
            yield return Positive(PiiDetectorNames.ChinaMobile, "手机号", Phone());
        }

        for (var i = 0; i < 200; i++)
        {
            yield return Negative("号码", NotAPhone());
        }

        for (var i = 0; i < 100; i++)
        {
            yield return Negative("金额", Amount());
        }

        for (var i = 0; i < 200; i++)
        {
            yield return Positive(PiiDetectorNames.Email, "邮箱", Email());
        }

        for (var i = 0; i < 100; i++)
        {
            yield return Negative("账号", NotAnEmail());
        }
    }

    private CorpusSample Positive(string detector, string label, string value)
    {
        var template = Templates[_random.Next(Templates.Length)];
        var open = template.IndexOf("{0}", StringComparison.Ordinal);
        var before = template[..open].Replace("{1}", label, StringComparison.Ordinal);
        var after = template[(open + 3)..].Replace("{1}", label, StringComparison.Ordinal);
        return new CorpusSample("generated", before + value + after, [new ExpectedSpan(detector, before.Length, value.Length)]);
    }

    private CorpusSample Negative(string label, string value, bool labelBefore = false)
    {
        var text = labelBefore
            ? $"{label}{(_random.Next(2) == 0 ? "：" : " ")}{value}"
            : string.Format(CultureInfo.InvariantCulture, Templates[_random.Next(Templates.Length)], value, label);
        return new CorpusSample("generated", text, []);
    }

    // A random digit run (a record id) is labelled as nothing, even when it happens to pass a checksum: the masker cannot
    // know better, so such coincidences are its real false positives and the precision figures count them.
    private CorpusSample RandomDigits(int length, string label) => Negative(label, Digits(length));

    private string ValidId(int year)
    {
        var start = new DateTime(year, 1, 1);
        var date = start.AddDays(_random.Next(DateTime.IsLeapYear(year) ? 366 : 365));
        var body = Divisions[_random.Next(Divisions.Length)] + date.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + Digits(3);
        return body + Reference.IdCheckCharacter(body);
    }

    private string LegacyId()
    {
        var date = new DateTime(1930, 1, 1).AddDays(_random.Next(365 * 60));
        return Divisions[_random.Next(Divisions.Length - 3)] + date.ToString("yyMMdd", CultureInfo.InvariantCulture) + Digits(3);
    }

    private string WrongCheckId()
    {
        var id = ValidId(Year(1940, 2010));
        const string checks = "0123456789X";
        var wrong = checks[(checks.IndexOf(id[^1], StringComparison.Ordinal) + 1 + _random.Next(10)) % 11];
        return id[..^1] + wrong;
    }

    private string ImpossibleDateId()
    {
        string[] dates = ["19890229", "19900230", "20010231", "19851301", "19920000", "19990431", "19770632", "18991231", "19880931", "20000100"];
        var body = Divisions[_random.Next(Divisions.Length)] + dates[_random.Next(dates.Length)] + Digits(3);
        return body + Reference.IdCheckCharacter(body);
    }

    private string ValidCard()
    {
        var (prefix, length) = _random.Next(10) switch
        {
            < 5 => ("62" + Digits(4), _random.Next(3) == 0 ? 19 : 16),
            5 => ("4" + Digits(5), 16),
            6 => ("5" + (char)('1' + _random.Next(5)) + Digits(4), 16),
            7 => ("3" + (_random.Next(2) == 0 ? '4' : '7') + Digits(4), 15),
            8 => ("9558" + Digits(2), 19),
            _ => ("2" + (char)('2' + _random.Next(5)) + Digits(4), 16),
        };
        if (prefix[0] == '2')
        {
            prefix = "2" + (2221 + _random.Next(500)).ToString(CultureInfo.InvariantCulture)[1..] + Digits(2);
        }

        var payload = prefix + Digits(length - prefix.Length - 1);
        return payload + Reference.LuhnCheckDigit(payload);
    }

    private string Grouped(string digits, out char separator)
    {
        separator = _random.Next(3) switch { 0 => ' ', 1 => '-', _ => '\0' };
        if (separator == '\0')
        {
            return digits;
        }

        var builder = new StringBuilder();
        for (var i = 0; i < digits.Length; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                builder.Append(separator);
            }

            builder.Append(digits[i]);
        }

        return builder.ToString();
    }

    private string Phone()
    {
        var number = "1" + (char)('3' + _random.Next(7)) + Digits(9);
        var body = _random.Next(4) switch
        {
            0 => $"{number[..3]} {number[3..7]} {number[7..]}",
            1 => $"{number[..3]}-{number[3..7]}-{number[7..]}",
            _ => number,
        };
        return _random.Next(5) switch
        {
            0 => "+86 " + body,
            1 => "+86" + body,
            _ => body,
        };
    }

    private string NotAPhone() => _random.Next(5) switch
    {
        0 => "1" + (char)('0' + _random.Next(3)) + Digits(9),          // 10x, 11x, 12x
        1 => "1" + (char)('3' + _random.Next(7)) + Digits(10),         // 12 digits
        2 => "1" + (char)('3' + _random.Next(7)) + Digits(8),          // 10 digits
        3 => Digits(3) + "1" + (char)('3' + _random.Next(7)) + Digits(9), // inside a longer run
        _ => "0" + (char)('1' + _random.Next(9)) + Digits(1) + "-" + Digits(8), // a landline
    };

    private string Timestamp() => _random.Next(3) switch
    {
        0 => (1_600_000_000_000L + _random.NextInt64(200_000_000_000L)).ToString(CultureInfo.InvariantCulture),
        1 => new DateTime(2020, 1, 1).AddSeconds(_random.Next(200_000_000)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture),
        _ => new DateTime(2020, 1, 1).AddSeconds(_random.Next(200_000_000)).ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture),
    };

    private string Amount()
    {
        var integer = "1" + (char)('3' + _random.Next(7)) + Digits(9);
        return _random.Next(3) switch
        {
            0 => $"¥{integer}",
            1 => $"{integer}.{Digits(2)}",
            _ => $"{integer} 元",
        };
    }

    private string Email()
    {
        string[] names = ["alice", "bob", "zhang.san", "li_si", "wang-wu", "ops", "x", "dev+ci", "a1b2", "chen.xiao.ming"];
        string[] domains = ["example.com", "163.com", "qq.com", "larkway.dev", "mail.example.co.uk", "corp.example.cn", "gmail.com"];
        var name = names[_random.Next(names.Length)] + (_random.Next(2) == 0 ? Digits(_random.Next(1, 4)) : string.Empty);
        return name + "@" + domains[_random.Next(domains.Length)];
    }

    private string NotAnEmail()
    {
        string[] misses = ["@alice", "bob@", "ops@localhost", "dev@example.c", "a@-x.com", "name at example dot com", "v1.2@3.4", "@所有人", "x@y", "foo@bar.123"];
        return misses[_random.Next(misses.Length)];
    }

    private int Year(int from, int to) => from + _random.Next(to - from + 1);

    private string Digits(int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = (char)('0' + _random.Next(10));
        }

        return new string(chars);
    }
}
