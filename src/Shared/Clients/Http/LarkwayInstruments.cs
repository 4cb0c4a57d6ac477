using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Larkway.Shared.Clients;

/// <summary>The one <c>Larkway</c> meter and activity source every client library reports on (docs/metrics.md).</summary>
internal static class LarkwayInstruments
{
    public const string Name = "Larkway";

    public static readonly ActivitySource ActivitySource = new(Name);

    /// <summary>
    /// The <c>Larkway</c> meter from <paramref name="meterFactory"/> (which owns it), or one of our own when there is no
    /// factory: then <paramref name="owned"/> is that meter, for the caller to dispose.
    /// </summary>
    public static Meter Meter(IMeterFactory? meterFactory, out Meter? owned)
    {
        owned = meterFactory is null ? new Meter(Name) : null;
        return owned ?? meterFactory!.Create(Name);
    }
}
