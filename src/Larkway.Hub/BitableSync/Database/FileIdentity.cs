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
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const ushort FileTypeMask = 0xF000;
    private const ushort RegularFile = 0x8000;

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

    /// <summary>
    /// The identity of the file open at descriptor <paramref name="descriptor"/> — whatever any path names now — or null when
    /// it is not a regular file or cannot be read (not Linux, a closed descriptor).
    /// </summary>
    public static (ulong Device, ulong Inode)? OfDescriptor(int descriptor)
    {
        if (!OperatingSystem.IsLinux() || descriptor < 0)
        {
            return null;
        }

        try
        {
            return Statx(descriptor, [0], AtEmptyPath, StatxType | StatxIno, out var status) == 0 && (status.Mode & FileTypeMask) == RegularFile
                ? (((ulong)status.DevMajor << 32) | status.DevMinor, status.Ino)
                : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int directory, byte[] path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary><c>struct statx</c>: 256 bytes; only what identifies the file is read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Ino;

        [FieldOffset(136)]
        public uint DevMajor;

        [FieldOffset(140)]
        public uint DevMinor;
    }
}
