using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Tests.Platform.Observability;

/// <summary>The sandbox's log file: one line per entry, bounded by a roll-over, shared by the Hub's and the Emulator's loggers.</summary>
public sealed class HubLogFileTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("larkway-logfile-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_entry_is_one_line_with_time_level_category_event_id_and_message_and_an_exception_follows_it()
    {
        var path = HubLogFile.PathIn(_dir);
        using (var file = new HubLogFile(path))
        using (var factory = LoggerFactory.Create(b => b.AddProvider(file.ProviderFor())))
        {
            var logger = factory.CreateLogger("Larkway.Test");
            logger.LogInformation(new EventId(4242), "Hello {Name}", "Alice");
            logger.LogError(new EventId(4243), new InvalidOperationException("it broke"), "Failed");
        }

        path.ShouldBe(Path.Combine(_dir, "logs", "hub.log"));
        var lines = File.ReadAllLines(path);
        lines[0].ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: Larkway\.Test\[4242\] Hello Alice$");
        lines[1].ShouldEndWith(" fail: Larkway.Test[4243] Failed");
        lines[2].ShouldBe("System.InvalidOperationException: it broke");
    }

    [Fact]
    public void Past_its_size_the_file_rolls_over_to_one_older_file_so_the_log_stays_bounded()
    {
        const long max = 4096;
        var path = HubLogFile.PathIn(_dir);
        using (var file = new HubLogFile(path, max))
        using (var factory = LoggerFactory.Create(b => b.AddProvider(file.ProviderFor())))
        {
            var logger = factory.CreateLogger("Larkway.Test");
            for (var i = 0; i < 500; i++)
            {
                logger.LogInformation("entry {Number} {Padding}", i, new string('x', 60));
            }
        }

        // 500 entries of about 110 bytes are 55 KB; what is kept is the newest, in two files of at most one entry past the cap.
        new FileInfo(path).Length.ShouldBeLessThan(max + 200);
        new FileInfo(path + ".1").Length.ShouldBeInRange(max, max + 200);
        File.Exists(path + ".2").ShouldBeFalse();
        File.ReadLines(path).Last().ShouldContain("entry 499 ");
        File.ReadLines(path + ".1").First().ShouldNotContain("entry 0 ");
    }

    [Fact]
    public void The_file_outlives_a_logger_factory_that_used_it_and_a_start_appends_to_the_last_ones_file()
    {
        var path = HubLogFile.PathIn(_dir);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, ["an earlier start's entry"]);
        using (var file = new HubLogFile(path))
        {
            // The embedded Emulator's factory is disposed after the Hub's: both log into the one file, which its owner closes.
            var emulator = LoggerFactory.Create(b => b.AddProvider(file.ProviderFor()));
            using (var hub = LoggerFactory.Create(b => b.AddProvider(file.ProviderFor())))
            {
                hub.CreateLogger("Hub").LogInformation("from the Hub");
            }

            emulator.CreateLogger("Emulator").LogInformation("from the Emulator");
            emulator.Dispose();
        }

        var lines = File.ReadAllLines(path);
        lines.Length.ShouldBe(3);
        lines[0].ShouldBe("an earlier start's entry");
        lines[2].ShouldEndWith("Emulator[0] from the Emulator");
    }

    [Theory]
    [InlineData(true, null, "Warnings", true)]
    [InlineData(true, "all", "All", true)]
    [InlineData(true, "Warnings", "Warnings", true)]
    [InlineData(false, null, "All", false)]
    [InlineData(false, "warnings", "Warnings", false)]
    public void The_sandbox_keeps_its_console_to_warnings_with_a_file_and_anything_else_is_unchanged(bool sandbox, string? setting, string console, bool hasFile)
    {
        var (level, file) = ConsoleLogSettings.Open(Configuration(("Larkway:Logging:Console", setting)), sandbox, _dir);
        using (file)
        {
            level.ToString().ShouldBe(console);
            (file is not null).ShouldBe(hasFile);
        }
    }

    [Fact]
    public void A_json_log_or_a_sandbox_without_a_data_folder_keeps_the_whole_log_on_the_console_and_writes_no_file()
    {
        var json = ConsoleLogSettings.Open(Configuration(("Larkway:Logging:Format", "json")), sandbox: true, _dir);
        var inMemory = ConsoleLogSettings.Open(Configuration(), sandbox: true, dataFolder: null);

        json.Console.ShouldBe(ConsoleLogLevel.All);
        json.File.ShouldBeNull();
        inMemory.Console.ShouldBe(ConsoleLogLevel.All);
        inMemory.File.ShouldBeNull();
        System.IO.Directory.Exists(Path.Combine(_dir, "logs")).ShouldBeFalse();
    }

    [Fact]
    public void An_unknown_console_value_names_the_setting_and_the_values()
    {
        var error = Should.Throw<HubConfigurationException>(() => ConsoleLogSettings.Read(Configuration(("Larkway:Logging:Console", "verbose"))));

        error.Message.ShouldStartWith("Larkway:Logging:Console 'verbose' is not valid; use 'all'");
        error.Message.ShouldContain("'warnings'");
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();
}
