// Finds and loads the native library once per process.
//
// Order: CONTRAST_AUTH_LIBRARY (an explicit path, for development and tests); on .NET Core
// 3+ the runtime's own probing (a NuGet consumer's deps.json lists runtimes/<rid>/native/);
// then runtimes/<rid>/native/ beside this assembly for the detected platform (Mono, .NET
// Framework, and apps without deps.json); then the library beside the assembly itself.
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Contrast.Auth
{
    internal static class NativeLoader
    {
        /// <summary>The environment variable naming the native library to load instead.</summary>
        internal const string LibraryVariable = "CONTRAST_AUTH_LIBRARY";

        private static readonly object Gate = new object();
        private static NativeApi api;
        private static string failure;

        /// <summary>The bound functions, loading the library on first use.</summary>
        internal static NativeApi Api
        {
            get
            {
                NativeApi loaded = api;
                if (loaded != null) return loaded;
                lock (Gate)
                {
                    if (api != null) return api;
                    if (failure != null) throw new DllNotFoundException(failure);
                    try
                    {
                        api = Load();
                    }
                    catch (DllNotFoundException e)
                    {
                        failure = e.Message;
                        throw;
                    }
                    return api;
                }
            }
        }

        /// <summary>The platform this process runs on, as a NuGet runtime identifier
        /// (<c>linux-musl-x64</c>, <c>win-x64</c>, ...).</summary>
        internal static string DetectedRid
        {
            get { return Platform.Rid; }
        }

        /// <summary>The runtime identifiers whose native library is beside this assembly.</summary>
        internal static IList<string> CarriedRids()
        {
            var rids = new List<string>();
            string runtimes = Path.Combine(AssemblyDirectory(), "runtimes");
            if (!Directory.Exists(runtimes)) return rids;
            foreach (string dir in Directory.GetDirectories(runtimes))
            {
                string native = Path.Combine(dir, "native");
                if (Directory.Exists(native) && Directory.GetFiles(native).Length > 0)
                {
                    rids.Add(Path.GetFileName(dir));
                }
            }
            rids.Sort(StringComparer.Ordinal);
            return rids;
        }

        private static string AssemblyDirectory()
        {
            string location = typeof(NativeLoader).Assembly.Location;
            return string.IsNullOrEmpty(location) ? AppDomain.CurrentDomain.BaseDirectory : Path.GetDirectoryName(location);
        }

        private static NativeApi Load()
        {
            IntPtr library = IntPtr.Zero;
            var searched = new List<string>();
            string explicitPath = Environment.GetEnvironmentVariable(LibraryVariable);
            if (!string.IsNullOrEmpty(explicitPath))
            {
                library = Platform.Open(explicitPath);
                if (library == IntPtr.Zero)
                {
                    throw new DllNotFoundException(
                        "contrast-auth: " + LibraryVariable + " names " + explicitPath + ", which cannot be loaded: " + Platform.LastOpenError());
                }
            }
            if (library == IntPtr.Zero) library = CoreClr.TryLoadByName("contrast_auth", typeof(NativeLoader).Assembly);
            if (library == IntPtr.Zero)
            {
                string directory = AssemblyDirectory();
                string rid = Platform.Rid;
                var candidates = new List<string>();
                if (rid != null) candidates.Add(Path.Combine(Path.Combine(Path.Combine(Path.Combine(directory, "runtimes"), rid), "native"), Platform.FileName));
                candidates.Add(Path.Combine(directory, Platform.FileName));
                foreach (string candidate in candidates)
                {
                    searched.Add(candidate);
                    if (!File.Exists(candidate)) continue;
                    library = Platform.Open(candidate);
                    if (library == IntPtr.Zero)
                    {
                        throw new DllNotFoundException("contrast-auth: " + candidate + " cannot be loaded on " + Platform.Description + ": " + Platform.LastOpenError());
                    }
                    break;
                }
            }
            if (library == IntPtr.Zero)
            {
                IList<string> carried = CarriedRids();
                throw new DllNotFoundException(
                    "contrast-auth: no native library for this platform (detected " + (Platform.Rid ?? "an unsupported platform") +
                    ": " + Platform.Description + "); this package carries " +
                    (carried.Count == 0 ? "none" : string.Join(", ", carried)) +
                    "; searched " + string.Join(", ", searched) + " (set " + LibraryVariable + " to a library's path to use another)");
            }
            IntPtr handle = library;
            var bound = new NativeApi(name => Platform.Export(handle, name));
            CheckVersion(bound);
            return bound;
        }

        /// <summary>The native library must be the version this assembly was built for.</summary>
        private static void CheckVersion(NativeApi bound)
        {
            string native = Utf8.FromNative(bound.Version()) ?? "";
            Version expected = typeof(NativeLoader).Assembly.GetName().Version;
            string wanted = expected.Major + "." + expected.Minor + "." + expected.Build;
            if (native != wanted)
            {
                throw new DllNotFoundException(
                    "contrast-auth: the native library is version " + native + ", but Contrast.Auth.dll " + wanted + " needs the same version");
            }
        }

        /// <summary>What CoreCLR (.NET Core 3+, .NET 5+) offers, reached by reflection: this
        /// assembly also runs where NativeLibrary does not exist (Mono, .NET Framework).</summary>
        private static class CoreClr
        {
            internal static IntPtr TryLoadByName(string name, Assembly assembly)
            {
                Type nativeLibrary = Type.GetType("System.Runtime.InteropServices.NativeLibrary", false);
                if (nativeLibrary == null) return IntPtr.Zero;
                MethodInfo tryLoad = nativeLibrary.GetMethod("TryLoad", new[]
                {
                    typeof(string), typeof(Assembly), typeof(DllImportSearchPath?), typeof(IntPtr).MakeByRefType(),
                });
                if (tryLoad == null) return IntPtr.Zero;
                var args = new object[] { name, assembly, null, IntPtr.Zero };
                return (bool)tryLoad.Invoke(null, args) ? (IntPtr)args[3] : IntPtr.Zero;
            }
        }
    }

    /// <summary>The operating system, C library and CPU of this process, found without
    /// starting a process, and the system loader's entry points.</summary>
    internal static unsafe class Platform
    {
        internal static readonly bool IsWindows = Path.DirectorySeparatorChar == '\\';
        private static readonly string SystemName;
        private static readonly string Machine;
        internal static readonly bool IsMusl;

        static Platform()
        {
            if (IsWindows)
            {
                SystemName = "Windows";
                string arch = Environment.GetEnvironmentVariable("PROCESSOR_ARCHITEW6432") ??
                              Environment.GetEnvironmentVariable("PROCESSOR_ARCHITECTURE") ?? "";
                Machine = arch.ToUpperInvariant();
                return;
            }
            // struct utsname: five (Linux: six) char arrays of 65 bytes on Linux, 256 on macOS.
            byte* buffer = stackalloc byte[6 * 256];
            if (Posix.uname(buffer) == 0)
            {
                SystemName = Utf8.FromNative((IntPtr)buffer);
                int field = SystemName == "Darwin" ? 256 : 65;
                Machine = Utf8.FromNative((IntPtr)(buffer + 4 * field));
            }
            else
            {
                SystemName = "Unix";
                Machine = "";
            }
            IsMusl = SystemName == "Linux" && DetectMusl();
        }

        /// <summary>musl or glibc: the C library mapped into this very process (its maps name
        /// ld-musl or libc.musl), else whether a musl loader is installed.</summary>
        private static bool DetectMusl()
        {
            try
            {
                foreach (string line in File.ReadAllLines("/proc/self/maps"))
                {
                    if (line.Contains("/ld-musl-") || line.Contains("/libc.musl-")) return true;
                    if (line.Contains("/libc.so.6") || line.Contains("/libc-2.")) return false;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            return Directory.Exists("/lib") && Directory.GetFiles("/lib", "ld-musl-*.so.1").Length > 0;
        }

        /// <summary>The NuGet runtime identifier, or null when this platform has none here.</summary>
        internal static string Rid
        {
            get
            {
                string arch;
                switch (Machine)
                {
                    case "x86_64":
                    case "AMD64":
                        arch = "x64";
                        break;
                    case "aarch64":
                    case "arm64":
                    case "ARM64":
                        arch = "arm64";
                        break;
                    default:
                        return null;
                }
                if (IntPtr.Size != 8) return null;
                switch (SystemName)
                {
                    case "Linux": return (IsMusl ? "linux-musl-" : "linux-") + arch;
                    case "Darwin": return "osx-" + arch;
                    case "Windows": return "win-" + arch;
                    default: return null;
                }
            }
        }

        /// <summary>For messages: e.g. "Linux x86_64 (musl), 64-bit process".</summary>
        internal static string Description
        {
            get
            {
                return SystemName + " " + Machine + (SystemName == "Linux" ? (IsMusl ? " (musl)" : " (glibc)") : "") +
                       ", " + (IntPtr.Size * 8) + "-bit process";
            }
        }

        /// <summary>The native library's file name on this system.</summary>
        internal static string FileName
        {
            get
            {
                if (IsWindows) return "contrast_auth.dll";
                return SystemName == "Darwin" ? "libcontrast_auth.dylib" : "libcontrast_auth.so";
            }
        }

        internal static IntPtr Open(string path)
        {
            if (IsWindows) return Windows.LoadLibraryW(path);
            byte[] name = Utf8.ToNative(path);
            fixed (byte* p = name)
            {
                return Posix.Open(p);
            }
        }

        internal static string LastOpenError()
        {
            if (IsWindows) return "Windows error " + Marshal.GetLastWin32Error();
            return Posix.Error() ?? "unknown error";
        }

        internal static IntPtr Export(IntPtr library, string name)
        {
            if (IsWindows) return Windows.GetProcAddress(library, name);
            byte[] symbol = Utf8.ToNative(name);
            fixed (byte* p = symbol)
            {
                return Posix.Symbol(library, p);
            }
        }

        private static class Windows
        {
            [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
            internal static extern IntPtr LoadLibraryW(string path);

            [DllImport("kernel32", CharSet = CharSet.Ansi, BestFitMapping = false, SetLastError = true)]
            internal static extern IntPtr GetProcAddress(IntPtr module, string name);
        }

        /// <summary>uname and the dynamic loader: libdl.so.2 (glibc), else libc (musl, and
        /// glibc 2.34+ where libc holds dlopen), else libSystem (macOS).</summary>
        private static class Posix
        {
            private const int RtldNow = 2;

            [DllImport("libc", EntryPoint = "uname")]
            internal static extern int uname(byte* buffer);

            internal static IntPtr Open(byte* path)
            {
                try { return LibDl.dlopen(path, RtldNow); }
                catch (DllNotFoundException) { }
                catch (EntryPointNotFoundException) { }
                try { return LibC.dlopen(path, RtldNow); }
                catch (DllNotFoundException) { }
                catch (EntryPointNotFoundException) { }
                return LibSystem.dlopen(path, RtldNow);
            }

            internal static IntPtr Symbol(IntPtr library, byte* name)
            {
                try { return LibDl.dlsym(library, name); }
                catch (DllNotFoundException) { }
                catch (EntryPointNotFoundException) { }
                try { return LibC.dlsym(library, name); }
                catch (DllNotFoundException) { }
                catch (EntryPointNotFoundException) { }
                return LibSystem.dlsym(library, name);
            }

            internal static string Error()
            {
                try { return Utf8.FromNative(LibDl.dlerror()); }
                catch (DllNotFoundException) { }
                catch (EntryPointNotFoundException) { }
                try { return Utf8.FromNative(LibC.dlerror()); }
                catch (DllNotFoundException) { }
                catch (EntryPointNotFoundException) { }
                return Utf8.FromNative(LibSystem.dlerror());
            }

            private static class LibDl
            {
                [DllImport("libdl.so.2")] internal static extern IntPtr dlopen(byte* path, int flags);
                [DllImport("libdl.so.2")] internal static extern IntPtr dlsym(IntPtr library, byte* name);
                [DllImport("libdl.so.2")] internal static extern IntPtr dlerror();
            }

            private static class LibC
            {
                [DllImport("libc")] internal static extern IntPtr dlopen(byte* path, int flags);
                [DllImport("libc")] internal static extern IntPtr dlsym(IntPtr library, byte* name);
                [DllImport("libc")] internal static extern IntPtr dlerror();
            }

            private static class LibSystem
            {
                [DllImport("libSystem.dylib")] internal static extern IntPtr dlopen(byte* path, int flags);
                [DllImport("libSystem.dylib")] internal static extern IntPtr dlsym(IntPtr library, byte* name);
                [DllImport("libSystem.dylib")] internal static extern IntPtr dlerror();
            }
        }
    }
}
