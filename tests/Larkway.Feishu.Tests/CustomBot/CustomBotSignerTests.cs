using System.Globalization;
using System.Text.Json;
using Larkway.Feishu.CustomBot;

namespace Larkway.Feishu.Tests.CustomBot;

public class CustomBotSignerTests
{
    private static readonly JsonElement Vectors = LoadVectors();

    public static TheoryData<string> PositiveIds() => Ids("sign_vectors");

    public static TheoryData<string> NegativeIds() => Ids("sign_negative_vectors");

    [Fact]
    public void The_vector_file_has_the_expected_vectors()
    {
        // Guards against a silently empty theory if the file moves or changes shape.
        Assert.Equal(5, Vectors.GetProperty("sign_vectors").GetArrayLength());
        Assert.Equal(3, Vectors.GetProperty("sign_negative_vectors").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(PositiveIds))]
    public void Sign_matches_every_positive_vector(string id)
    {
        var vector = Find("sign_vectors", id);
        var timestamp = long.Parse(vector.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
        var secret = vector.GetProperty("secret").GetString()!;
        var expected = vector.GetProperty("expected_sign").GetString()!;

        Assert.Equal(expected, CustomBotSigner.Sign(secret, timestamp));
        Assert.True(CustomBotSigner.Verify(secret, timestamp, expected));
    }

    [Theory]
    [MemberData(nameof(NegativeIds))]
    public void Verify_rejects_every_negative_vector(string id)
    {
        var vector = Find("sign_negative_vectors", id);
        Assert.Equal("mismatch", vector.GetProperty("expect").GetString());
        var timestamp = long.Parse(vector.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
        var secret = vector.GetProperty("secret").GetString()!;
        var presented = vector.GetProperty("sign_presented").GetString()!;

        Assert.False(CustomBotSigner.Verify(secret, timestamp, presented));
        Assert.NotEqual(presented, CustomBotSigner.Sign(secret, timestamp));
    }

    [Fact]
    public void Verify_rejects_missing_or_tampered_signatures()
    {
        var sign = CustomBotSigner.Sign("demo", 1718000000);

        Assert.False(CustomBotSigner.Verify("demo", 1718000000, null));
        Assert.False(CustomBotSigner.Verify("demo", 1718000000, string.Empty));
        Assert.False(CustomBotSigner.Verify("demo", 1718000001, sign));
        Assert.False(CustomBotSigner.Verify("demo2", 1718000000, sign));
        Assert.False(CustomBotSigner.Verify("demo", 1718000000, sign[..^1]));
    }

    [Fact]
    public void Sign_refuses_an_empty_secret()
    {
        Assert.Throws<ArgumentException>(() => CustomBotSigner.Sign(string.Empty, 1718000000));
    }

    private static TheoryData<string> Ids(string section)
    {
        var data = new TheoryData<string>();
        foreach (var vector in Vectors.GetProperty(section).EnumerateArray())
        {
            data.Add(vector.GetProperty("id").GetString()!);
        }

        return data;
    }

    private static JsonElement Find(string section, string id) =>
        Vectors.GetProperty(section).EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);

    private static JsonElement LoadVectors()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("vectors/feishu-custom-bot.json")));
        return document.RootElement.Clone();
    }
}
