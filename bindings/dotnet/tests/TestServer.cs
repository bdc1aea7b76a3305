// The crate's loopback HTTPS test server (`contrast-auth test-server`), started per test with a
// CA made at start; stopped by closing its stdin (and waited for by its process).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;

namespace Contrast.Auth.Tests
{
    internal sealed class TestServer : IDisposable
    {
        internal const string User = "agent_0f3c9a1e@ExampleOrg";
        internal const string Service = "SVCKEY4Q7Z2M9X1B";
        internal const string Api = "APIKEYd8f2a61c0e9b47";
        private static int started;

        private readonly Process process;
        internal readonly string Url;
        internal readonly string CaFile;
        internal readonly string CaDerFile;

        private TestServer(Process process, string url, string caFile, string caDerFile)
        {
            this.process = process;
            Url = url;
            CaFile = caFile;
            CaDerFile = caDerFile;
        }

        /// <summary>A server requiring signatures and accepting <paramref name="accept"/>
        /// (default: the test credentials), with extra arguments (e.g. --fault 503).</summary>
        internal static TestServer Start(string[] accept = null, params string[] extra)
        {
            int n = Interlocked.Increment(ref started);
            var args = new List<string> { "test-server", "--require-signature", "--ca-out", Path.Combine(Runner.WorkDir, "ca" + n + ".pem") };
            foreach (string spec in accept ?? new[] { User + ":" + Service + ":" + Api })
            {
                args.Add("--accept");
                args.Add(spec);
            }
            args.AddRange(extra);
            var info = new ProcessStartInfo(Runner.Cli, string.Join(" ", args.ConvertAll(Quote)))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = false,
            };
            Process process = Process.Start(info);
            string line = process.StandardOutput.ReadLine();
            if (line == null) throw new InvalidOperationException("the test server did not start");
            return new TestServer(process, Field(line, "url"), Field(line, "ca_file"), Field(line, "ca_der_file"));
        }

        private static string Quote(string arg)
        {
            return "\"" + arg.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        }

        private static string Field(string json, string name)
        {
            Match match = Regex.Match(json, "\"" + name + "\":\"([^\"]*)\"");
            if (!match.Success) throw new InvalidOperationException("no " + name + " in " + json);
            return match.Groups[1].Value;
        }

        /// <summary>Host settings for a handle that reports to this server, trusting its CA.</summary>
        internal Dictionary<string, string> Settings(string user = User, string service = Service, string api = Api)
        {
            var settings = new Dictionary<string, string>
            {
                { "api.url", Url },
                { "api.certificate.ca_file", CaFile },
            };
            if (user != null) settings["api.user_name"] = user;
            if (service != null) settings["api.service_key"] = service;
            if (api != null) settings["api.api_key"] = api;
            return settings;
        }

        /// <summary>A handle reporting to this server (host settings, an empty system directory).</summary>
        internal ContrastAuth Handle(string user = User, string service = Service, string api = Api)
        {
            return ContrastAuth.FromEnvironment(null, Settings(user, service, api), Runner.WorkDir);
        }

        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(60000))
            {
                process.Kill();
                throw new InvalidOperationException("the test server did not stop within 60 s");
            }
            process.Dispose();
        }
    }
}
