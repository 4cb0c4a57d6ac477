namespace Larkway.Bench.Ingest;

/// <summary>Defaults shared by the generator's events.</summary>
internal static class BenchDefaults
{
    public const string AppId = "cli_a1b2c3d4e5f60001";
    public const string TenantKey = "2ca1d211f64f6438";
    public const string EventType = "im.message.reaction.created_v1";
}
