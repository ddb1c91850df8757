using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Wacht.Worker.Secrets.Files;

/// <summary>
/// One directory under the file destination's root, opened so that no planted link or foreign directory can redirect a
/// secret: every component below the root must be a real directory (never a symbolic link), owned by the worker's user,
/// with mode 0700. Missing ones are created so.
/// </summary>
/// <remarks>
/// On Linux (where the worker runs) it walks the path with <c>openat(O_NOFOLLOW | O_DIRECTORY)</c> from the root's
/// descriptor, checks each directory through its own descriptor (<c>statx</c>), and then creates, reads, renames and
/// flushes files relative to the final directory's descriptor. A link or directory swapped in after the check is never
/// followed: there is no window between check and use. .NET has no API for any of this (no openat, no owner of a file,
/// no fsync of a directory), so it calls libc directly; no package served here offers it.
/// Elsewhere (macOS, Windows: development only) it falls back to path-based checks (no link, mode 0700, no owner check)
/// and an in-process lock, which narrows but does not close the race.
/// </remarks>
internal sealed partial class SecretDirectory : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> FallbackLocks = new(StringComparer.Ordinal);

    private readonly int _fd;

    private SecretDirectory(string path, int fd)
    {
        FullPath = path;
        _fd = fd;
    }

    /// <summary>The directory's absolute path (for messages).</summary>
    public string FullPath { get; }

    [SupportedOSPlatformGuard("linux")]
    private static bool Native => OperatingSystem.IsLinux();

    /// <summary>
    /// Opens <paramref name="root"/>/<paramref name="segments"/>. Returns null when a directory is missing and
    /// <paramref name="create"/> is false.
    /// </summary>
    /// <exception cref="SecretDestinationException">Unreachable root, or a component that is a link, not a directory,
    /// not owned by the worker's user or not mode 0700 (Forbidden, naming the path).</exception>
    public static SecretDirectory? Open(string root, IReadOnlyList<string> segments, bool create)
    {
        return Native ? OpenNative(root, segments, create) : OpenFallback(root, segments, create);
    }

    /// <summary>Holds an exclusive advisory lock on the directory (<c>flock</c>; shared with other processes) until disposed.</summary>
    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        if (!Native)
        {
            var gate = FallbackLocks.GetOrAdd(FullPath, static _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken);
            return new Releaser(() => gate.Release());
        }

        // flock blocks the calling thread; polling with LOCK_NB keeps the wait cancellable and off the thread pool.
        while (true)
        {
            if (Flock(_fd, LockExclusive | LockNonBlocking) == 0)
            {
                return new Releaser(() => Flock(_fd, LockUnlock));
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (EWouldBlock or EIntr))
            {
                throw Failure(SecretDestinationFailure.Unreachable, $"could not lock directory {FullPath}", errno);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }
    }

    /// <summary>The content of the regular file <paramref name="name"/>, or null when there is none (a link there counts as none).</summary>
    public byte[]? ReadFile(string name, out string? version)
    {
        version = null;
        if (!Native)
        {
            var path = Path.Combine(FullPath, name);
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null)
            {
                return null;
            }

            version = info.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return File.ReadAllBytes(path);
        }

        var fd = OpenAt(_fd, name, OpenReadOnly | OpenNoFollow | OpenCloseOnExec, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENoEnt or ELoop)
            {
                // A symbolic link at the file's own path is never followed; the next write replaces the link itself.
                return null;
            }

            throw Failure(SecretDestinationFailure.Unreachable, $"could not open {Path.Combine(FullPath, name)}", errno);
        }

        using var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        var stat = StatDescriptor(fd, Path.Combine(FullPath, name));
        if (!stat.IsRegularFile)
        {
            return null;
        }

        version = stat.Version;
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// Replaces <paramref name="name"/> atomically with <paramref name="content"/>: a new owner-only (0600) temp file,
    /// flushed to disk, renamed over the old one, then the directory flushed too. A failure leaves the old file and no temp file.
    /// </summary>
    public void WriteAtomically(string name, string tempName, ReadOnlySpan<byte> content)
    {
        if (!Native)
        {
            WriteFallback(name, tempName, content);
            return;
        }

        var fd = OpenAt(_fd, tempName, OpenWriteOnly | OpenCreate | OpenExclusive | OpenNoFollow | OpenCloseOnExec, 0b110_000_000);
        if (fd < 0)
        {
            throw Failure(SecretDestinationFailure.Unreachable, $"could not create a temporary file in {FullPath}", Marshal.GetLastPInvokeError());
        }

        try
        {
            using (var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true))
            using (var stream = new FileStream(handle, FileAccess.Write, bufferSize: 0))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            if (RenameAt(_fd, tempName, _fd, name) != 0)
            {
                throw Failure(SecretDestinationFailure.Unreachable, $"could not replace {Path.Combine(FullPath, name)}", Marshal.GetLastPInvokeError());
            }
        }
        catch
        {
            _ = UnlinkAt(_fd, tempName, 0);
            throw;
        }

        // The caller erases its own copy of the secret once this returns: the rename must be on disk too.
        if (Fsync(_fd) != 0)
        {
            throw Failure(SecretDestinationFailure.Unreachable, $"could not flush directory {FullPath} to disk", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>What is at <paramref name="name"/> in this directory (links are not followed).</summary>
    public Entry EntryKind(string name)
    {
        if (!Native)
        {
            var path = Path.Combine(FullPath, name);
            var info = new FileInfo(path);
            return info.LinkTarget is not null ? Entry.Link : Directory.Exists(path) ? Entry.Directory : info.Exists ? Entry.File : Entry.None;
        }

        var stat = StatAt(_fd, name, AtSymlinkNoFollow);
        return stat is not { } s ? Entry.None : s.IsLink ? Entry.Link : s.IsDirectory ? Entry.Directory : s.IsRegularFile ? Entry.File : Entry.Other;
    }

    /// <summary>Removes the files of this directory whose names match (best effort): temp files a crash left behind.</summary>
    public void DeleteFiles(Func<string, bool> match)
    {
        IEnumerable<string> names;
        try
        {
            names = [.. Directory.EnumerateFileSystemEntries(FullPath).Select(Path.GetFileName).OfType<string>().Where(match)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var name in names)
        {
            if (Native)
            {
                // Relative to the verified descriptor: a name listed through a swapped path cannot reach elsewhere.
                _ = UnlinkAt(_fd, name, 0);
            }
            else
            {
                try
                {
                    File.Delete(Path.Combine(FullPath, name));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Best effort.
                }
            }
        }
    }

    public void Dispose()
    {
        if (Native)
        {
            _ = Close(_fd);
        }
    }

    [SupportedOSPlatform("linux")]
    private static SecretDirectory? OpenNative(string root, IReadOnlyList<string> segments, bool create)
    {
        // The root is the operator's choice (it may be a link to a mounted volume); only what lies below it is checked.
        var fd = OpenPath(root, OpenReadOnly | OpenDirectory | OpenCloseOnExec, 0);
        if (fd < 0 && Marshal.GetLastPInvokeError() == ENoEnt && create)
        {
            try
            {
                Directory.CreateDirectory(root, OwnerOnly);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SecretDestinationException(SecretDestinationFailure.Unreachable, $"The secrets directory {root} does not exist and could not be created: {ex.GetType().Name}.", ex);
            }

            fd = OpenPath(root, OpenReadOnly | OpenDirectory | OpenCloseOnExec, 0);
        }

        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ENoEnt && !create)
            {
                return null;
            }

            throw Failure(SecretDestinationFailure.Unreachable, $"the secrets directory {root} cannot be opened", errno);
        }

        var path = root;
        var euid = GetEuid();
        foreach (var segment in segments)
        {
            path = Path.Combine(path, segment);
            var next = OpenAt(fd, segment, OpenReadOnly | OpenDirectory | OpenNoFollow | OpenCloseOnExec, 0);
            if (next < 0 && Marshal.GetLastPInvokeError() == ENoEnt && create)
            {
                // 0700 from the start (the umask can only remove bits); EEXIST means another writer created it first.
                if (MkdirAt(fd, segment, 0b111_000_000) != 0 && Marshal.GetLastPInvokeError() != EExist)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    _ = Close(fd);
                    throw Failure(SecretDestinationFailure.Unreachable, $"could not create directory {path}", errno);
                }

                next = OpenAt(fd, segment, OpenReadOnly | OpenDirectory | OpenNoFollow | OpenCloseOnExec, 0);
            }

            if (next < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                var kind = LinkKind(fd, segment);
                _ = Close(fd);
                if (errno == ENoEnt && !create)
                {
                    return null;
                }

                throw errno switch
                {
                    ELoop or ENotDir => new SecretDestinationException(
                        SecretDestinationFailure.Forbidden,
                        $"{path} is {kind}, not a directory; the file destination refuses to write through it. Remove it (the worker recreates it with mode 0700)."),
                    _ => Failure(SecretDestinationFailure.Unreachable, $"could not open directory {path}", errno),
                };
            }

            _ = Close(fd);
            fd = next;

            // Checked through the descriptor that later operations use, so what is checked is what is written into.
            var stat = StatDescriptor(fd, path);
            string? problem = null;
            if (!stat.IsDirectory)
            {
                problem = "is not a directory";
            }
            else if (stat.Uid != euid)
            {
                problem = $"is owned by uid {stat.Uid}, not by the worker's user (uid {euid})";
            }
            else if ((stat.Mode & 0b111_111_111_111) != 0b111_000_000)
            {
                problem = $"has mode {Convert.ToString(stat.Mode & 0b111_111_111_111, 8).PadLeft(4, '0')}, not 0700";
            }

            if (problem is not null)
            {
                _ = Close(fd);
                throw new SecretDestinationException(
                    SecretDestinationFailure.Forbidden,
                    $"The secrets directory {path} {problem}; the file destination writes only into owner-only directories of its own user. Fix or remove it.");
            }
        }

        return new SecretDirectory(path, fd);
    }

    private static SecretDirectory? OpenFallback(string root, IReadOnlyList<string> segments, bool create)
    {
        if (!Directory.Exists(root))
        {
            if (!create)
            {
                return null;
            }

            CreateFallback(root);
        }

        var path = root;
        foreach (var segment in segments)
        {
            path = Path.Combine(path, segment);
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is not null || File.Exists(path))
            {
                throw new SecretDestinationException(SecretDestinationFailure.Forbidden, $"{path} is a link or a file, not a directory; the file destination refuses to write through it.");
            }

            if (!info.Exists)
            {
                if (!create)
                {
                    return null;
                }

                CreateFallback(path);
            }
            else if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) != OwnerOnly)
            {
                throw new SecretDestinationException(SecretDestinationFailure.Forbidden, $"The secrets directory {path} does not have mode 0700.");
            }
        }

        return new SecretDirectory(path, -1);
    }

    private static void CreateFallback(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, OwnerOnly);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretDestinationException(SecretDestinationFailure.Unreachable, $"Could not create the secrets directory {path}: {ex.GetType().Name}.", ex);
        }
    }

    private void WriteFallback(string name, string tempName, ReadOnlySpan<byte> content)
    {
        var tempPath = Path.Combine(FullPath, tempName);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(tempPath, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, Path.Combine(FullPath, name), overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(tempPath);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Best effort: the original failure is what matters.
            }

            throw new SecretDestinationException(SecretDestinationFailure.Unreachable, $"Could not write {Path.Combine(FullPath, name)}: {ex.GetType().Name}.", ex);
        }
    }

    private static string LinkKind(int dirFd, string name)
    {
        var stat = StatAt(dirFd, name, AtSymlinkNoFollow);
        return stat is null ? "not a directory" : stat.Value.IsLink ? "a symbolic link" : stat.Value.IsDirectory ? "a directory" : "a file";
    }

    private static SecretDestinationException Failure(SecretDestinationFailure reason, string what, int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        var message = $"The file destination {what}: {text} (errno {errno}).";
        return new SecretDestinationException(errno is EAcces or EPerm ? SecretDestinationFailure.Forbidden : reason, char.ToUpperInvariant(message[0]) + message[1..]);
    }

    private static Stat StatDescriptor(int fd, string pathForMessages) =>
        StatAt(fd, "", AtEmptyPath | AtSymlinkNoFollow)
        ?? throw Failure(SecretDestinationFailure.Unreachable, $"could not inspect {pathForMessages}", Marshal.GetLastPInvokeError());

    private static unsafe Stat? StatAt(int dirFd, string path, int flags)
    {
        // struct statx is 256 bytes with the same layout on every Linux architecture.
        var buffer = stackalloc byte[256];
        if (Statx(dirFd, path, flags, StatxBasicStats, buffer) != 0)
        {
            return null;
        }

        var span = new ReadOnlySpan<byte>(buffer, 256);
        return new Stat(
            Uid: BitConverter.ToUInt32(span[20..]),
            Mode: BitConverter.ToUInt16(span[28..]),
            Inode: BitConverter.ToUInt64(span[32..]),
            MtimeSeconds: BitConverter.ToInt64(span[112..]),
            MtimeNanoseconds: BitConverter.ToUInt32(span[120..]));
    }

    private readonly record struct Stat(uint Uid, ushort Mode, ulong Inode, long MtimeSeconds, uint MtimeNanoseconds)
    {
        public bool IsDirectory => (Mode & 0xF000) == 0x4000;

        public bool IsRegularFile => (Mode & 0xF000) == 0x8000;

        public bool IsLink => (Mode & 0xF000) == 0xA000;

        public string Version => $"{Inode}:{MtimeSeconds}.{MtimeNanoseconds:D9}";
    }

    /// <summary>Kinds of directory entries.</summary>
    public enum Entry
    {
        None,
        File,
        Directory,
        Link,
        Other,
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                release();
            }
        }
    }

    // open(2) flags: O_DIRECTORY and O_NOFOLLOW differ between x64 and the ARM architectures.
    private const int OpenReadOnly = 0;
    private const int OpenWriteOnly = 0x1;
    private const int OpenCreate = 0x40;
    private const int OpenExclusive = 0x80;
    private const int OpenCloseOnExec = 0x80000;
    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64;
    private static readonly int OpenDirectory = Arm ? 0x4000 : 0x10000;
    private static readonly int OpenNoFollow = Arm ? 0x8000 : 0x20000;

    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int LockUnlock = 8;

    private const int EPerm = 1;
    private const int ENoEnt = 2;
    private const int EIntr = 4;
    private const int EWouldBlock = 11;
    private const int EAcces = 13;
    private const int EExist = 17;
    private const int ENotDir = 20;
    private const int ELoop = 40;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenPath(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(int dirFd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkdirAt(int dirFd, string path, int mode);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt(int oldDirFd, string oldPath, int newDirFd, string newPath);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAt(int dirFd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
