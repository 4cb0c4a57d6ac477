using Microsoft.Extensions.Options;
using Npgsql;

namespace Larkway.Hub.Platform.Storage;

/// <summary>Checks <c>Larkway:Storage</c> at startup, naming the setting and the value that is wrong.</summary>
internal sealed class HubStorageOptionsValidator : IValidateOptions<HubStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, HubStorageOptions options)
    {
        var engine = HubStorageOptions.ParseProvider(options.Provider);
        if (engine is null)
        {
            return ValidateOptionsResult.Fail(
                $"Larkway:Storage:Provider is '{options.Provider}'; it must be 'Sqlite' (the default) or 'Postgres' (also 'PostgreSQL'), in any case.");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                "Larkway:Storage:ConnectionString (or ConnectionStrings:Hub) is required with Larkway:Storage:Provider = Postgres, e.g. 'Host=db;Database=larkway;Username=larkway;Password=…'.");
        }

        if (engine == HubStorageEngine.Postgres)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                // The message names the bad keyword; the connection string itself may hold a password and is not repeated.
                return ValidateOptionsResult.Fail($"Larkway:Storage:ConnectionString is not a valid PostgreSQL connection string: {ex.Message}");
            }
        }

        else
        {
            try
            {
                _ = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail($"Larkway:Storage:ConnectionString is not a valid SQLite connection string: {ex.Message} Use e.g. 'Data Source=./data/larkway.db'.");
            }
        }

        return options.BusyTimeout > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Larkway:Storage:BusyTimeout must be positive.");
    }
}
