using System.Runtime.InteropServices;
using System.Text;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// Which file a path names, as the file system knows it: its device and inode. Two names of one file — a hard link, which
/// no path comparison sees — have one identity. Read with Linux's <c>statx</c> (its buffer's layout is the same on every
/// architecture); elsewhere, or where the call is missing, there is none and callers compare paths only.
/// </summary>
internal static partial class FileIdentity
{
    private const int AtFdCwd = -100;
    private const uint StatxIno = 0x100;

    /// <summary>The identity of the file at <paramref name="path"/> (links followed), or null when it has none to read.</summary>
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
        {
            return null;
        }

        try
        {
            var name = Encoding.UTF8.GetBytes(path + '\0');
            return Statx(AtFdCwd, name, 0, StatxIno, out var status) == 0
                ? (((ulong)status.DevMajor << 32) | status.DevMinor, status.Ino)
                : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // a libc before statx (glibc 2.28): the path comparison still holds
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int directory, byte[] path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary><c>struct statx</c>: 256 bytes; only what identifies the file is read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(32)]
        public ulong Ino;

        [FieldOffset(136)]
        public uint DevMajor;

        [FieldOffset(140)]
        public uint DevMinor;
    }
}
