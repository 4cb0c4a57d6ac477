using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Messages;

/// <summary>A client and Emulator with one upload of each kind a message can carry.</summary>
public sealed class MessagingFixture : ClientFixture
{
    public static readonly byte[] PdfBytes = "%PDF-1.4\n% larkway integration test\n"u8.ToArray();
    public static readonly byte[] OpusBytes = [0x4F, 0x67, 0x67, 0x53, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04];
    public static readonly byte[] Mp4Bytes = [0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6D, 0x70, 0x34, 0x32];

    public string ImageKey { get; private set; } = "";

    public string PdfKey { get; private set; } = "";

    public string OpusKey { get; private set; } = "";

    public string Mp4Key { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ImageKey = await Client.Im.Images.UploadAsync(TestImages.Png, "pixel.png");
        PdfKey = await Client.Im.Files.UploadAsync(PdfBytes, "report.pdf", FileType.Pdf);
        OpusKey = await Client.Im.Files.UploadAsync(OpusBytes, "voice.opus", FileType.Opus, TimeSpan.FromSeconds(3));
        Mp4Key = await Client.Im.Files.UploadAsync(Mp4Bytes, "clip.mp4", FileType.Mp4, TimeSpan.FromMilliseconds(1500));
    }

    /// <summary>The receiver of each kind used by the tests: a group, or one person per id kind.</summary>
    public ReceiveId Receiver(string kind) => kind switch
    {
        "chat_id" => ReceiveId.Chat(EngineeringChat.ChatId),
        "open_id" => ReceiveId.OpenId(Alice.OpenId),
        "union_id" => ReceiveId.UnionId(Bob.UnionId),
        "user_id" => ReceiveId.UserId(Carol.UserId),
        "email" => ReceiveId.Email(Dave.Email!),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The open_id of the person a receiver kind names (null for the group).</summary>
    public string? PersonOf(string kind) => kind switch
    {
        "open_id" => Alice.OpenId,
        "union_id" => Bob.OpenId,
        "user_id" => Carol.OpenId,
        "email" => Dave.OpenId,
        _ => null,
    };
}
