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

    [Fact]
    public async Task Off_a_terminal_outside_the_sandbox_the_line_naming_the_file_says_to_store_the_secret_and_delete_the_file()
    {
        var output = new StringWriter();
        var console = new HubConsole(output, isTerminal: false, secretsFile: Path.Combine(_dir, "secrets.txt"));

        await console.ShowSecretAsync("Admin key", Secret, "Use it as a bearer key.", CancellationToken.None);

        output.ToString().ShouldContain("Store it in your secret store, then delete the file.");
    }

    [Fact]
    public async Task In_the_sandbox_a_printed_secret_is_kept_in_the_file_too_which_is_to_be_kept()
    {
        var output = new StringWriter();
        var console = new HubConsole(output, isTerminal: true, secretsFile: Path.Combine(_dir, "secrets.txt"), keepsFile: true);

        var shownAt = await console.ShowSecretAsync("Admin key", Secret, "Use it as a bearer key.", CancellationToken.None);
        await console.ShowSecretLinesAsync("  the sandbox app", ["    export FEISHU_APP_SECRET=app-secret"], CancellationToken.None);

        output.ToString().ShouldContain($"Admin key (kept in {HubConsole.ForDisplay(console.SecretsFile)}, the sandbox's key store): {Secret}");
        output.ToString().ShouldContain("    export FEISHU_APP_SECRET=app-secret");
        shownAt.ShouldBe(console.SecretsFile, "later starts say the file, which still holds it");
        var file = await File.ReadAllTextAsync(console.SecretsFile);
        file.ShouldContain($"Admin key: {Secret}");
        file.ShouldContain("export FEISHU_APP_SECRET=app-secret");

        var offTerminal = new StringWriter();
        await new HubConsole(offTerminal, isTerminal: false, secretsFile: console.SecretsFile, keepsFile: true).ShowSecretAsync("Password", "pw-2", "Sign in.", CancellationToken.None);
        offTerminal.ToString().ShouldContain("It is the sandbox's key store: keep it (later starts point at it).");
        offTerminal.ToString().ShouldNotContain("delete");
    }

    [Fact]
    public async Task Where_a_secret_is_names_the_file_only_while_it_holds_that_secret()
    {
        var console = new HubConsole(new StringWriter(), isTerminal: false, secretsFile: Path.Combine(_dir, "secrets.txt"));
        var shownAt = await console.ShowSecretAsync("Admin key", Secret, "Use it as a bearer key.", CancellationToken.None);
        var shown = HubConsole.ForDisplay(console.SecretsFile);

        HubConsole.Describe(shownAt, "Admin key").ShouldBe($"is in {shown}");
        HubConsole.Describe(shownAt, "Console password").ShouldBe($"was written to {shown} when it was made, which no longer holds it");
        HubConsole.Describe(HubConsole.StandardOutput, "Admin key").ShouldBe("was printed on standard output when it was made");
        HubConsole.Describe(null, "Admin key").ShouldBeNull();

        File.Delete(console.SecretsFile);
        HubConsole.Describe(shownAt, "Admin key").ShouldBe($"was written to {shown} when it was made, which no longer holds it");
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
