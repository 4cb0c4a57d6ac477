using System.Net.Http.Json;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Http;

/// <summary>
/// Request bodies go out with a Content-Length, never chunked: gateways in front of the platform
/// may refuse a chunked request (411), and the official SDKs always send a length.
/// </summary>
public class RequestBodyFramingTests
{
    public static TheoryData<string> JsonCalls() => [.. Calls.Keys];

    // One call per kind of JSON body the client sends. The stub's answer does not fit every call (some
    // then fail to parse it); only what went out matters here.
    private static readonly Dictionary<string, Func<FeishuClient, Task>> Calls = new(StringComparer.Ordinal)
    {
        ["send message"] = c => c.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("你好, world"), "uuid-1"),
        ["reply"] = c => c.Im.Messages.ReplyAsync("om_1", MessageContent.Text("re")),
        ["update card"] = c => c.Im.Messages.UpdateCardAsync("om_1", MessageContent.Template("AAq_1")),
        ["create chat"] = c => c.Im.Chats.CreateAsync(new CreateChatRequest { Name = "ops" }),
        ["add members"] = c => c.Im.ChatMembers.AddAsync("oc_1", ["ou_1", "ou_2"]),
        ["batch get ids"] = c => c.Contact.Users.BatchGetIdsAsync(emails: ["a@example.com"]),
        ["approval comment"] = c => c.Approval.Comments.CreateAsync("INST-1", "ou_1", new ApprovalCommentCreate { Text = "请看" }),
        ["external check"] = c => c.Approval.External.CheckInstancesAsync([new ExternalInstanceCheck("i1", DateTimeOffset.UnixEpoch, [])]),
    };

    [Theory]
    [MemberData(nameof(JsonCalls))]
    public async Task Json_bodies_carry_their_length_in_utf8_bytes(string call)
    {
        var stub = new StubHandler((_, _) => Responses.Ok(Responses.Message()));
        using var client = TestClients.Create(stub);

        try
        {
            await Calls[call](client);
        }
        catch (FeishuApiException)
        {
            // The stub's answer is not this call's shape; the request was already recorded.
        }

        var sent = stub.Requests.Where(r => r.Body is not null).ToList();
        Assert.Equal(2, sent.Count); // the token request and the call itself
        Assert.All(sent, r =>
        {
            Assert.Equal(Encoding.UTF8.GetByteCount(r.Body!), r.ContentLength);
            Assert.False(r.Chunked);
            Assert.Equal("application/json; charset=utf-8", r.ContentType);
        });
    }

    [Fact]
    public async Task Uploads_carry_their_length_too()
    {
        var stub = new StubHandler((r, _) => Responses.Ok(r.Path.EndsWith("/images", StringComparison.Ordinal) ? """{"image_key":"img_1"}""" : """{"file_key":"file_1"}"""));
        using var client = TestClients.Create(stub);

        await client.Im.Images.UploadAsync(new byte[] { 1, 2, 3 }, "a.png");
        await client.Im.Files.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("%PDF-1.4")), "报告.pdf", FileType.Pdf);

        Assert.Equal(2, stub.ApiCalls.Count);
        Assert.All(stub.ApiCalls, r =>
        {
            Assert.NotNull(r.ContentLength);
            Assert.Equal(Encoding.UTF8.GetByteCount(r.Body!), r.ContentLength);
            Assert.False(r.Chunked);
        });
    }

    [Fact]
    public void The_client_never_builds_a_JsonContent()
    {
        // JsonContent serialises while it is sent and reports no length, so it always goes out chunked.
        // Every reference to it in the compiled client is a call that would.
        using var stream = File.OpenRead(typeof(FeishuClient).Assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var jsonContent = typeof(JsonContent);

        var references = metadata.TypeReferences
            .Select(metadata.GetTypeReference)
            .Where(t => metadata.GetString(t.Name) == jsonContent.Name && metadata.GetString(t.Namespace) == jsonContent.Namespace)
            .ToList();

        Assert.Empty(references);
    }
}
