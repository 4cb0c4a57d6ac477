using Larkway.Cli;
using Larkway.Cli.Infrastructure;

return await CliApp.RunAsync(args, CliContext.FromProcess()).ConfigureAwait(false);
