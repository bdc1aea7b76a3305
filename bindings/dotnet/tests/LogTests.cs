// Logging through a delegate: records at TRACE never hold a secret (nor its base64 form); a
// throwing logger does not crash the process.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Contrast.Auth.Tests
{
    internal static class LogTests
    {
        [Test]
        private static void TraceRecordsHoldNoSecret()
        {
            const string service = "PLANTEDSERVICEKEY7";
            const string api = "PLANTEDAPIKEY77x";
            const string user = "agent_planted_\u00fc@Org";
            var records = new ConcurrentQueue<string>();
            ContrastAuthLog.SetLogger((level, name, message) => records.Enqueue(level + " " + name + " " + message), ContrastLogLevel.Trace);
            try
            {
                using (TestServer server = TestServer.Start(new[] { user + ":" + service + ":" + api }, "--fault", "503"))
                {
                    string config = Path.Combine(Runner.WorkDir, "logging.yaml");
                    File.WriteAllText(config, "api:\n  api_key: WRONGAPIKEY000\n");
                    Dictionary<string, string> settings = server.Settings(user, service, null);
                    settings["config.path"] = config;
                    using (ContrastAuth auth = ContrastAuth.FromEnvironment(null, settings, Runner.WorkDir))
                    {
                        Assert.Throws<CredentialsRejectedException>(() => auth.Send("POST", "/api/ng/agents/report", "application/json", new byte[] { 1 }), "wrong key");
                        auth.Rotate(apiKey: api);
                        Assert.Equal(200, auth.Send("POST", "/api/ng/agents/report", "application/json", new byte[] { 1 }).Status, "sent");
                        auth.Sign("POST", server.Url + "/x", "a/b", new byte[0]);
                    }
                }
            }
            finally
            {
                ContrastAuthLog.SetLogger(null);
            }
            string all = string.Join("\n", records);
            foreach (string name in new[] { "config.loaded", "transport.retry", "transport.rejected", "credentials.rotated", "signing.signed", "transport.sent" })
            {
                Assert.True(all.Contains(" " + name + " "), "no " + name + " record in:\n" + all);
            }
            Assert.True(records.Any(r => r.StartsWith("Trace ")), "TRACE records delivered");
            var secrets = new List<string> { service, api, user, "WRONGAPIKEY000", user + ":" + service };
            foreach (string secret in secrets.ToList()) secrets.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
            foreach (string secret in secrets)
            {
                Assert.True(!all.Contains(secret), "a record holds " + secret);
            }
        }

        [Test]
        private static void AThrowingLoggerDoesNotCrash()
        {
            int calls = 0;
            ContrastAuthLog.SetLogger((level, name, message) =>
            {
                System.Threading.Interlocked.Increment(ref calls);
                throw new InvalidOperationException("the logger fails");
            }, ContrastLogLevel.Trace);
            try
            {
                using (TestServer server = TestServer.Start())
                using (ContrastAuth auth = server.Handle())
                {
                    Assert.Equal(200, auth.Send("POST", "/api/ng/agents/report", "application/json", new byte[] { 1 }).Status, "sent anyway");
                    auth.Sign("POST", server.Url + "/x", "a/b", new byte[0]);
                }
            }
            finally
            {
                ContrastAuthLog.SetLogger(null);
            }
            Assert.True(calls > 0, "the logger was called");
            Assert.Throws<ArgumentOutOfRangeException>(() => ContrastAuthLog.SetLogger((a, b, c) => { }, (ContrastLogLevel)9), "level 9");
        }

        [Test]
        private static void TheLoggerSurvivesACollection()
        {
            var records = new ConcurrentQueue<string>();
            ContrastAuthLog.SetLogger((level, name, message) => records.Enqueue(name), ContrastLogLevel.Trace);
            try
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                using (ContrastAuth auth = ContrastAuth.FromCredentials("https://app.contrastsecurity.com/Contrast", "u", "s", "k"))
                {
                    auth.Sign("POST", "https://app.contrastsecurity.com/Contrast/x", "a/b", new byte[0]);
                }
            }
            finally
            {
                ContrastAuthLog.SetLogger(null);
            }
            Assert.True(records.Contains("signing.signed"), "delivered after a collection: " + string.Join(",", records));
        }
    }
}
