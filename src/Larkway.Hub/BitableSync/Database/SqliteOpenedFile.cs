using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// The file an open SQLite connection reads and writes as its main database: the descriptor SQLite's unix VFS opened it
/// with, which every later read and write of that connection goes through. Looking at it, rather than at the path again,
/// is what leaves no time between a check and the open: whatever the path names by then, this is the file in use.
/// </summary>
/// <remarks>
/// SQLite has no call that answers the descriptor. <c>SQLITE_FCNTL_FILE_POINTER</c> answers the database's
/// <c>sqlite3_file</c>; the unix VFS's one begins with its methods, its VFS, its inode record and then the descriptor
/// (<c>unixFile</c> in os_unix.c, a head it has kept for many releases). The layout is confirmed before the descriptor is read: the
/// VFS must be one of the unix ones (<c>SQLITE_FCNTL_VFS_POINTER</c>, a public struct) and the file's second field must be
/// that very VFS. Anything else answers null, and the caller refuses the file.
/// </remarks>
internal static class SqliteOpenedFile
{
    private const int FcntlFilePointer = 7;
    private const int FcntlVfsPointer = 27;
    private const int SqliteOk = 0;
    private static readonly byte[] Main = Encoding.ASCII.GetBytes("main\0");

    /// <summary>The descriptor of <paramref name="connection"/>'s main database file, or null when it cannot be told (not Linux, another VFS).</summary>
    public static int? MainDescriptor(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!OperatingSystem.IsLinux() || connection.Handle is not { IsInvalid: false } handle)
        {
            return null;
        }

        var db = handle.DangerousGetHandle();
        if (FileControl(db, Main, FcntlVfsPointer, out var vfsPointer) != SqliteOk || vfsPointer == IntPtr.Zero
            || FileControl(db, Main, FcntlFilePointer, out var filePointer) != SqliteOk || filePointer == IntPtr.Zero)
        {
            return null;
        }

        var vfs = Marshal.PtrToStructure<VfsHead>(vfsPointer);
        var name = Marshal.PtrToStringUTF8(vfs.Name);
        if (name is null || !(name == "unix" || name.StartsWith("unix-", StringComparison.Ordinal))
            || vfs.FileSize < Marshal.SizeOf<UnixFileHead>())
        {
            return null;
        }

        var file = Marshal.PtrToStructure<UnixFileHead>(filePointer);
        return file.Methods != IntPtr.Zero && file.Vfs == vfsPointer && file.Descriptor >= 0 ? file.Descriptor : null;
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length from the start of <paramref name="descriptor"/> without moving its offset; the bytes read.</summary>
    public static int ReadStart(int descriptor, Span<byte> buffer)
    {
        var read = PRead(descriptor, ref MemoryMarshal.GetReference(buffer), buffer.Length, 0);
        return read < 0 ? throw new IOException($"The opened SQLite file cannot be read (errno {Marshal.GetLastPInvokeError()}).") : (int)read;
    }

    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory)]
    private static extern int FileControl(IntPtr db, byte[] name, int operation, out IntPtr argument);

    [DllImport("libc", EntryPoint = "pread64", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint PRead(int descriptor, ref byte buffer, nint count, long offset);

    /// <summary>The head of <c>struct sqlite3_vfs</c> (sqlite3.h): version, file size, path length, next, name.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct VfsHead
    {
        public int Version;
        public int FileSize;
        public int MaxPathname;
        public IntPtr Next;
        public IntPtr Name;
    }

    /// <summary>The head of the unix VFS's <c>unixFile</c>: methods, VFS, inode record, descriptor.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct UnixFileHead
    {
        public IntPtr Methods;
        public IntPtr Vfs;
        public IntPtr Inode;
        public int Descriptor;
    }
}
