using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Configuration;

namespace Larkway.Hub.Tests.Admin;

public sealed class HubConsoleTests : IDisposable
{
    private const string Secret = "s3cret-value-that-must-not-be-logged";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "larkway-console-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_dir))
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task On_a_terminal_the_secret_is_printed_and_no_file_is_written()
    {
        var output = new StringWriter();
        var console = new HubConsole(output, isTerminal: true, secretsFile: Path.Combine(_dir, "secrets.txt"));

        var shownAt = await console.ShowSecretAsync("Admin key", Secret, "Use it as a bearer key.", CancellationToken.None);

        output.ToString().ShouldContain($"Admin key (shown only this once; store it now): {Secret}");
        output.ToString().ShouldContain("Use it as a bearer key.");
        shownAt.ShouldBe("standard output");
        File.Exists(console.SecretsFile).ShouldBeFalse();
    }

    [Fact]
    public async Task Off_a_terminal_the_secret_goes_to_an_owner_only_file_that_standard_output_names()
    {
        var output = new StringWriter();
        var console = new HubConsole(output, isTerminal: false, secretsFile: Path.Combine(_dir, "nested", "secrets.txt"));

        var first = await console.ShowSecretAsync("Admin key", Secret, "Use it as a bearer key.", CancellationToken.None);
        await console.ShowSecretAsync("Console password", "pw-2", "Sign in at /console.", CancellationToken.None);

        output.ToString().ShouldNotContain(Secret);
        output.ToString().ShouldNotContain("pw-2");
        output.ToString().ShouldContain($"Admin key: written to {console.SecretsFile}");
        first.ShouldBe(console.SecretsFile);
        var lines = await File.ReadAllLinesAsync(console.SecretsFile);
        lines.Length.ShouldBe(2);
        lines[0].ShouldEndWith($"Admin key: {Secret}");
        lines[1].ShouldEndWith("Console password: pw-2");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(console.SecretsFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Theory]
    [InlineData("file", false)]
    [InlineData("Terminal", true)]
    public async Task The_output_is_configured_by_name(string setting, bool printed)
    {
        await using var provider = Provider(setting);

        var console = provider.GetRequiredService<HubConsole>();

        console.SecretsFile.ShouldBe(Path.Combine(_dir, "s.txt"));
        await console.ShowSecretAsync("k", Secret, "h", CancellationToken.None);
        File.Exists(console.SecretsFile).ShouldBe(!printed);
    }

    [Theory]
    [InlineData("stdout")]
    [InlineData("1")]
    public void An_unknown_output_is_a_configuration_error_naming_the_setting_and_its_values(string setting)
    {
        using var provider = Provider(setting);

        var error = Should.Throw<HubConfigurationException>(() => provider.GetRequiredService<HubConsole>());

        error.Message.ShouldContain(HubConsole.OutputSetting);
        error.Message.ShouldContain("'auto'");
        error.Message.ShouldContain("'file'");
    }

    private ServiceProvider Provider(string output)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [HubConsole.OutputSetting] = output,
            [HubConsole.FileSetting] = Path.Combine(_dir, "s.txt"),
        }).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddHubAuth().BuildServiceProvider();
    }
}
