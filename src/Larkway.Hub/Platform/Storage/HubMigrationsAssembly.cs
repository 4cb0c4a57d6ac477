using System.Reflection;
using System.Runtime.Loader;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// Finds a provider's migrations assembly (src/Larkway.Hub.Migrations.*). Those reference the Hub, so the Hub's build
/// copies them next to Larkway.Hub.dll rather than referencing them, and the host's .deps.json does not list them:
/// they are loaded by name where a host does list them (the tests, dotnet-ef), else from the application's folder.
/// </summary>
internal static class HubMigrationsAssembly
{
    public static Assembly Load(string name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (FileNotFoundException)
        {
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (!File.Exists(path))
            {
                throw new Configuration.HubConfigurationException(
                    $"The Hub's database migrations ({name}.dll) are missing from {AppContext.BaseDirectory}. Build or publish src/Larkway.Hub/Larkway.Hub.csproj, which puts them there, and copy the whole output folder.");
            }

            return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
    }
}
