using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Feishu.LongConnection;

/// <summary>
/// What the holder of the long connection's lease says of it, for every replica to read: the setting
/// <c>feishu-long-connection-down/{app id}</c> holds since when it has held the lease without an open connection (Feishu
/// refuses the credentials, or cannot be reached), and is absent while a connection is open (<see cref="ConnectionDownMarks"/>).
/// </summary>
internal sealed class FeishuLongConnectionStatus(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
    : ConnectionDownMarks("feishu-long-connection-down/", contexts, initializer, provider, time);
