return await Larkway.Hub.Hosting.HubApp.RunAsync(args).ConfigureAwait(false);
