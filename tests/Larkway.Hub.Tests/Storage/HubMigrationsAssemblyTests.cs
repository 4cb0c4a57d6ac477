using System.Reflection;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Larkway.Hub.Tests.Storage;

/// <summary>The providers' migrations are assemblies of their own, found by name; a copy of the Hub without them says what is missing.</summary>
public sealed class HubMigrationsAssemblyTests
{
    [Fact]
    public void A_migrations_assembly_missing_from_the_application_folder_stops_the_start_naming_it()
    {
        var error = Should.Throw<HubConfigurationException>(() => HubMigrationsAssembly.Load("Larkway.Hub.Migrations.Missing"));

        error.Message.ShouldContain("Larkway.Hub.Migrations.Missing.dll");
        error.Message.ShouldContain(AppContext.BaseDirectory);
    }

    [Theory]
    [InlineData(SqliteHubStorageProvider.MigrationsAssemblyName)]
    [InlineData(PostgresHubStorageProvider.MigrationsAssemblyName)]
    public void Each_provider_names_an_assembly_whose_migrations_begin_with_the_baseline(string name)
    {
        var assembly = HubMigrationsAssembly.Load(name);

        assembly.GetName().Name.ShouldBe(name);
        assembly.GetTypes()
            .Select(t => (Type: t, Id: t.GetCustomAttribute<MigrationAttribute>()?.Id))
            .Where(m => m.Id is not null)
            .MinBy(m => m.Id, StringComparer.Ordinal).Type.Name.ShouldBe("Baseline");
    }
}
