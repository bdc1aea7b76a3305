// Handles are released exactly once: by Dispose, or by the finalizer for a forgotten one.
using System;
using System.Linq;
using System.Reflection;
using System.Threading;

namespace Contrast.Auth.Tests
{
    internal static class LifetimeTests
    {
        internal static long Live()
        {
            return ContrastAuthHandle.LiveCount;
        }

        [Test]
        private static void DisposeReleasesTheNativeHandle()
        {
            long before = Live();
            ContrastAuth auth = ContrastAuth.FromCredentials("https://app.contrastsecurity.com/Contrast", "u", "s", "k");
            Assert.Equal(before + 1, Live(), "one more while alive");
            auth.Dispose();
            Assert.Equal(before, Live(), "released by Dispose");
            auth.Dispose();
            Assert.Equal(before, Live(), "released once");
        }

        [Test]
        private static void AFinalizedHandleFreesItsNativeMemory()
        {
            long before = Live();
            // Made and dropped on another thread, whose stack is gone when it ends (Mono scans
            // stacks conservatively).
            var thread = new Thread(() =>
            {
                for (int i = 0; i < 200; i++)
                {
                    ContrastAuth.FromCredentials("https://app.contrastsecurity.com/Contrast", "u" + i, "s", "k").AuthorizationHeader();
                }
            });
            thread.Start();
            thread.Join();
            Assert.True(Live() >= before, "counted");
            for (int round = 0; round < 10 && Live() > before; round++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }
            Assert.Equal(before, Live(), "every forgotten handle was released by its finalizer");
        }

        [Test]
        private static void TheNativeLibraryIsTheAssemblysVersionAndPlatformIsDetected()
        {
            Version assembly = typeof(ContrastAuth).Assembly.GetName().Version;
            string native = Utf8.FromNative(NativeLoader.Api.Version());
            Assert.Equal(assembly.Major + "." + assembly.Minor + "." + assembly.Build, native, "versions");
            Assert.Equal(IntPtr.Size == 8 ? "linux-x64" : null, NativeLoader.DetectedRid, "this machine (Linux x86_64, glibc)");
            Assert.True(!Platform.IsMusl, "glibc here");
        }

        [Test]
        private static void CountersHaveEveryFieldOfTheHeaderInItsOrder()
        {
            string header = System.IO.File.ReadAllText(Runner.Header);
            var body = System.Text.RegularExpressions.Regex.Match(header, @"typedef struct \{([^}]*)\} contrast_counters;");
            Assert.True(body.Success, "contrast_counters in the header");
            var fields = System.Text.RegularExpressions.Regex.Matches(body.Groups[1].Value, @"uint64_t (\w+);")
                .Cast<System.Text.RegularExpressions.Match>().Select(m => m.Groups[1].Value.Replace("_", "")).ToList();
            var properties = typeof(Counters).GetProperties().Select(p => p.Name.ToLowerInvariant()).ToList();
            Assert.Equal(string.Join(",", fields), string.Join(",", properties), "Counters properties vs contrast_counters fields");
            Assert.Equal(8 * fields.Count, System.Runtime.InteropServices.Marshal.SizeOf(typeof(Counters)), "size");
        }

        [Test]
        private static void EveryHeaderFunctionIsBound()
        {
            var declared = System.Text.RegularExpressions.Regex.Matches(System.IO.File.ReadAllText(Runner.Header), @"(?m)^\S.*\b(contrast_\w+)\(")
                .Cast<System.Text.RegularExpressions.Match>().Select(m => m.Groups[1].Value).ToList();
            Assert.True(declared.Count >= 20, "functions in the header: " + declared.Count);
            var notNeeded = new[]
            {
                "contrast_auth_from_environment", // FromEnvironment passes "dotnet-core" through _with_options
                "contrast_auth_from_environment_with_trust", // likewise, with the trust anchors
                "contrast_headers_find", // lists are copied whole into a dictionary
                "contrast_auth_authorization", // both values are read from one snapshot
                "contrast_auth_api_key", // (contrast_auth_headers) and cached until a change
            };
            var missing = declared.Except(NativeApi.BoundFunctions).Except(notNeeded).ToList();
            Assert.True(missing.Count == 0, "not bound: " + string.Join(", ", missing));
        }
    }
}
