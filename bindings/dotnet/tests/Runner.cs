// A self-checking test runner (no NUnit runs on both Mono 6.8 and CoreCLR 8 here): every static
// method marked [Test] runs once; the last line is "N passed, N failed" and the exit code is
// non-zero when a test failed or none ran.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;

namespace Contrast.Auth.Tests
{
    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class TestAttribute : Attribute
    {
    }

    internal sealed class AssertionException : Exception
    {
        internal AssertionException(string message) : base(message) { }
    }

    internal static class Assert
    {
        internal static void True(bool condition, string message)
        {
            if (!condition) throw new AssertionException(message);
        }

        internal static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                throw new AssertionException(what + ": expected <" + expected + ">, got <" + actual + ">");
            }
        }

        internal static TException Throws<TException>(Action action, string what) where TException : Exception
        {
            try
            {
                action();
            }
            catch (TException e)
            {
                if (e.GetType() != typeof(TException) && typeof(TException) != typeof(Exception) &&
                    !(typeof(TException) == typeof(ArgumentException) && e is ArgumentException) &&
                    !typeof(ContrastAuthException).IsAssignableFrom(typeof(TException)))
                {
                    throw new AssertionException(what + ": expected " + typeof(TException).Name + ", got " + e.GetType().Name + ": " + e.Message);
                }
                return e;
            }
            catch (Exception e)
            {
                throw new AssertionException(what + ": expected " + typeof(TException).Name + ", got " + e.GetType().Name + ": " + e.Message);
            }
            throw new AssertionException(what + ": expected " + typeof(TException).Name + ", nothing was thrown");
        }
    }

    internal static class Runner
    {
        internal static string VectorDir;
        internal static string Cli;
        internal static string WorkDir;
        internal static string Header;

        private static int Main(string[] args)
        {
            if (args.Length < 4)
            {
                Console.Error.WriteLine("usage: Contrast.Auth.Tests.exe VECTOR_DIR CLI WORK_DIR HEADER [TEST_NAME_FILTER]");
                return 2;
            }
            VectorDir = args[0];
            Cli = args[1];
            WorkDir = args[2];
            Header = args[3];
            string filter = args.Length > 4 ? args[4] : null;
            Console.WriteLine("runtime: " + RuntimeName());
            var tests = typeof(Runner).Assembly.GetTypes()
                .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
                .Where(m => m.GetCustomAttributes(typeof(TestAttribute), false).Length > 0)
                .Where(m => filter == null || (m.DeclaringType.Name + "." + m.Name).Contains(filter))
                .OrderBy(m => m.DeclaringType.Name + "." + m.Name, StringComparer.Ordinal)
                .ToList();
            int passed = 0, failed = 0;
            foreach (MethodInfo test in tests)
            {
                string name = test.DeclaringType.Name + "." + test.Name;
                var clock = Stopwatch.StartNew();
                try
                {
                    test.Invoke(null, null);
                    passed++;
                    Console.WriteLine("PASS " + name + " (" + clock.ElapsedMilliseconds + " ms)");
                }
                catch (TargetInvocationException e)
                {
                    failed++;
                    Console.WriteLine("FAIL " + name + ": " + e.InnerException);
                }
            }
            Console.WriteLine(passed + " passed, " + failed + " failed");
            return failed == 0 && passed > 0 ? 0 : 1;
        }

        internal static string RuntimeName()
        {
            Type mono = Type.GetType("Mono.Runtime");
            if (mono != null)
            {
                MethodInfo display = mono.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static);
                return "Mono " + (display != null ? display.Invoke(null, null) : "");
            }
            return ".NET " + Environment.Version;
        }

        internal static bool IsMono
        {
            get { return Type.GetType("Mono.Runtime") != null; }
        }
    }
}
