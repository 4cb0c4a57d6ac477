using System.Data.Common;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.TestSupport;

/// <summary>Rows read with the provider's own connection (no EF mapping): what a store really wrote.</summary>
public static class RawRows
{
    /// <summary>The rows of a query, every column of every row as text, in order.</summary>
    public static async Task<string[]> RawRowAsync(this HubServices hub, string sql)
    {
        ArgumentNullException.ThrowIfNull(hub);
        await using var db = await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values.Add(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
        }

        return [.. values];
    }
}
