using Larkway.Channels.Backends.Dify.Knowledge;

namespace Larkway.Channels.Tests.Backends.Knowledge;

public sealed class DifyKnowledgeOptionsTests
{
    private static DifyKnowledgeOptions Valid() => new() { ApiKey = "dataset-abc" };

    [Fact]
    public void The_defaults_are_dify_cloud_unpaced_with_four_retries()
    {
        var options = Valid();

        options.BaseUrl.ShouldBe(new Uri("https://api.dify.ai/v1"));
        options.RequestsPerMinute.ShouldBeNull();
        options.MaxRetries.ShouldBe(4);
        Should.NotThrow(options.ThrowIfInvalid);
    }

    [Theory]
    [InlineData("relative-url", "DifyKnowledgeOptions.BaseUrl")]
    [InlineData("ftp-url", "DifyKnowledgeOptions.BaseUrl")]
    [InlineData("no-key", "Knowledge → API → API key")]
    [InlineData("app-key", "app's key")]
    [InlineData("zero-pace", "DifyKnowledgeOptions.RequestsPerMinute")]
    [InlineData("negative-retries", "DifyKnowledgeOptions.MaxRetries")]
    [InlineData("negative-delay", "DifyKnowledgeOptions.RetryBaseDelay")]
    [InlineData("zero-timeout", "DifyKnowledgeOptions.Timeout")]
    public void A_wrong_option_is_named_in_the_message(string wrong, string named)
    {
        var options = Valid();
        switch (wrong)
        {
            case "relative-url": options.BaseUrl = new Uri("/v1", UriKind.Relative); break;
            case "ftp-url": options.BaseUrl = new Uri("ftp://dify.example/v1"); break;
            case "no-key": options.ApiKey = " "; break;
            case "app-key": options.ApiKey = "app-123"; break;
            case "zero-pace": options.RequestsPerMinute = 0; break;
            case "negative-retries": options.MaxRetries = -1; break;
            case "negative-delay": options.RetryBaseDelay = TimeSpan.FromSeconds(-1); break;
            case "zero-timeout": options.Timeout = TimeSpan.Zero; break;
        }

        Should.Throw<ArgumentException>(options.ThrowIfInvalid).Message.ShouldContain(named);
    }

    [Fact]
    public void The_client_refuses_options_that_cannot_work()
    {
        using var http = new HttpClient();

        Should.Throw<ArgumentException>(() => new DifyKnowledgeClient(new DifyKnowledgeOptions(), http)).Message.ShouldContain("DifyKnowledgeOptions.ApiKey");
    }
}
