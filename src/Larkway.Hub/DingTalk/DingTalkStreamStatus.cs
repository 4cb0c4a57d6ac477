using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// What the holder of an app's Stream lease says of its connection, for every replica to read: the setting
/// <c>dingtalk-stream-down/{AppKey}</c> holds since when it has held the lease without an open connection (DingTalk
/// refuses the credentials, or cannot be reached), and is absent while a connection is open (<see cref="ConnectionDownMarks"/>).
/// </summary>
internal sealed class DingTalkStreamStatus(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
    : ConnectionDownMarks("dingtalk-stream-down/", contexts, initializer, provider, time);
