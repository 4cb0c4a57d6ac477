return await Larkway.Hub.HubApp.RunAsync(args).ConfigureAwait(false);
