using Larkway.Hub.Sandbox;
using Microsoft.Extensions.Configuration;

namespace Larkway.Hub.Tests.Hosting;

/// <summary>Where the sandbox Emulator keeps its state: beside the Hub's SQLite database unless a setting says otherwise.</summary>
public sealed class SandboxEmulatorStateTests
{
    private static string? FileFor(params (string Key, string Value)[] values) =>
        SandboxEmulatorState.FileFor(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());

    [Fact]
    public void By_default_it_is_in_the_default_databases_folder()
    {
        FileFor().ShouldBe(Path.Combine(Path.GetFullPath("./data"), "emulator-state.json"));
    }

    [Fact]
    public void It_follows_the_sqlite_database_named_by_either_setting()
    {
        FileFor(("Larkway:Storage:ConnectionString", "Data Source=/srv/hub/db/larkway.db")).ShouldBe("/srv/hub/db/emulator-state.json");
        FileFor(("ConnectionStrings:Hub", "Data Source=/var/lib/larkway/hub.db;Cache=Shared")).ShouldBe("/var/lib/larkway/emulator-state.json");
    }

    [Fact]
    public void PostgreSQL_an_in_memory_database_or_a_malformed_string_fall_back_to_the_data_folder()
    {
        var fallback = Path.Combine("./data", "emulator-state.json");
        FileFor(("Larkway:Storage:Provider", "Postgres"), ("Larkway:Storage:ConnectionString", "Host=db;Database=hub")).ShouldBe(fallback);
        FileFor(("Larkway:Storage:ConnectionString", "Data Source=:memory:")).ShouldBe(fallback);
        FileFor(("Larkway:Storage:ConnectionString", "Nonsense=1")).ShouldBe(fallback);
    }

    [Fact]
    public void The_setting_names_another_file_or_turns_it_off()
    {
        FileFor(("LARKWAY_EMULATOR_STATE_FILE", "/tmp/sandbox.json"), ("Larkway:Emulator:StateFile", "/ignored.json")).ShouldBe("/tmp/sandbox.json");
        FileFor(("Larkway:Emulator:StateFile", "/tmp/other.json")).ShouldBe("/tmp/other.json");
        FileFor(("LARKWAY_EMULATOR_STATE_FILE", "OFF")).ShouldBeNull();
    }
}
