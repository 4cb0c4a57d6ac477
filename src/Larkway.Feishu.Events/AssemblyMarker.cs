namespace Larkway.Feishu.Events;

/// <summary>Marks the assembly; replaced as the library grows.</summary>
internal static class AssemblyMarker;
