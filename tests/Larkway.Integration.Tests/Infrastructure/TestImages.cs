namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>Small, valid image files for upload tests.</summary>
internal static class TestImages
{
    /// <summary>A 1×1 transparent PNG.</summary>
    public static byte[] Png { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}
