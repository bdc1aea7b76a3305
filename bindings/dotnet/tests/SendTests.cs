// Reports to the real loopback HTTPS test server (signatures required).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Contrast.Auth.Tests
{
    internal static class SendTests
    {
        private const string Path_ = "/api/ng/agents/report";
        private const string Json = "application/json";
        private static readonly byte[] Report = Encoding.UTF8.GetBytes("{\"application\":\"demo\",\"findings\":[1,2,3]}");

        [Test]
        private static void SendWithTheSignatureRequired()
        {
            using (TestServer server = TestServer.Start())
            using (ContrastAuth auth = server.Handle())
            {
                SendOutcome outcome = auth.Send("POST", Path_, Json, Report);
                Assert.Equal(200, outcome.Status, "status");
                Assert.Equal(1, outcome.Attempts, "attempts");
                Assert.Equal(1L, outcome.Generation, "generation");
                Assert.True(!outcome.Reloaded, "not reloaded");
                Assert.Equal(200, auth.Send("POST", Path_ + "?x=1", Json, new byte[0]).Status, "empty body with a query");
                Counters counters = auth.Counters();
                Assert.Equal(2UL, counters.Acknowledged, "acknowledged");
                Assert.Equal(2UL, counters.Requests, "requests");
                Assert.Equal(0UL, counters.Failed, "failed");
                Assert.Equal(1UL, counters.Handshakes, "one connection, kept alive");
                Assert.Equal(0UL, counters.Reconnects, "no reconnect");
            }
        }

        [Test]
        private static void RotationSwitchesToTheNewKeys()
        {
            using (TestServer server = TestServer.Start(new[] { TestServer.User + ":NEWSERVICEKEY01:NEWAPIKEY0001" }))
            using (ContrastAuth auth = server.Handle())
            {
                Fingerprints before = auth.Fingerprints();
                var rejected = Assert.Throws<CredentialsRejectedException>(() => auth.Send("POST", Path_, Json, Report), "old keys");
                Assert.Equal(401, rejected.Status, "status");
                Assert.True(rejected.Attempts >= 1, "attempts " + rejected.Attempts);
                Assert.Equal(before.ApiKey, rejected.Fingerprints.ApiKey, "the refused key's fingerprint");
                Assert.True(!rejected.Message.Contains(TestServer.Api) && !rejected.Message.Contains(TestServer.Service), rejected.Message);
                auth.Rotate("NEWSERVICEKEY01", "NEWAPIKEY0001");
                Fingerprints after = auth.Fingerprints();
                Assert.Equal(before.Generation + 1, after.Generation, "generation");
                Assert.True(after.ApiKey != before.ApiKey && after.ServiceKey != before.ServiceKey && after.UserName == before.UserName, "fingerprints");
                Assert.Equal(200, auth.Send("POST", Path_, Json, Report).Status, "new keys accepted");
                Assert.Equal("NEWAPIKEY0001", auth.ApiKeyHeader(), "api key");
                auth.Rotate(apiKey: "ONLYTHEAPIKEY1");
                Assert.Equal("ONLYTHEAPIKEY1", auth.ApiKeyHeader(), "one layer rotated");
                Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(TestServer.User + ":NEWSERVICEKEY01")), auth.AuthorizationHeader(), "the other kept");
            }
        }

        [Test]
        private static void ReloadAfterA401PicksUpTheNewKeyFromYaml()
        {
            using (TestServer server = TestServer.Start(new[] { TestServer.User + ":" + TestServer.Service + ":NEWAPIKEY" }))
            {
                string config = Path.Combine(Runner.WorkDir, "reload_after_401.yaml");
                File.WriteAllText(config, "api:\n  api_key: OLDAPIKEY\n");
                Dictionary<string, string> settings = server.Settings(api: null);
                settings["config.path"] = config;
                using (ContrastAuth auth = ContrastAuth.FromEnvironment(null, settings, Runner.WorkDir))
                {
                    Assert.Throws<CredentialsRejectedException>(() => auth.Send("POST", Path_, Json, Report), "old key");
                    File.WriteAllText(config, "api:\n  api_key: NEWAPIKEY\n");
                    SendOutcome outcome = auth.Send("POST", Path_, Json, Report);
                    Assert.Equal(200, outcome.Status, "status");
                    Assert.True(outcome.Reloaded, "reloaded");
                    Assert.Equal(2, outcome.Attempts, "attempts");
                    Assert.Equal("NEWAPIKEY", auth.ApiKeyHeader(), "new key in use");
                    Counters counters = auth.Counters();
                    Assert.True(counters.Reloads >= 1 && counters.Rejections == 2, counters.ToString());
                    File.WriteAllText(config, "api:\n  api_key: THIRDKEY\n");
                    Assert.True(auth.Reload().SequenceEqual(new[] { "api_key", "signing_key" }), "reload names what changed");
                    Assert.Equal("THIRDKEY", auth.ApiKeyHeader(), "the reloaded key is read");
                    Assert.Equal("THIRDKEY", auth.Headers()["API-Key"], "and listed");
                    Assert.Equal(0, auth.Reload().Count, "nothing changed");
                }
            }
        }

        [Test]
        private static void AForgedKeyIsCredentialsRejected()
        {
            using (TestServer server = TestServer.Start())
            using (ContrastAuth auth = server.Handle(api: "FORGEDAPIKEY000"))
            {
                var e = Assert.Throws<CredentialsRejectedException>(() => auth.Send("POST", Path_, Json, Report), "forged");
                Assert.Equal((int)NativeResult.CredentialsRejected, e.Code, "code");
                Assert.True(e is ContrastAuthException, "a ContrastAuthException");
                Assert.True(!e.Message.Contains("FORGEDAPIKEY000"), e.Message);
                Assert.Equal(1UL, auth.Counters().Failed, "failed");
            }
        }

        [Test]
        private static void A503IsRetried()
        {
            using (TestServer server = TestServer.Start(null, "--fault", "503"))
            using (ContrastAuth auth = server.Handle())
            {
                SendOutcome outcome = auth.Send("POST", Path_, Json, Report);
                Assert.Equal(200, outcome.Status, "status");
                Assert.Equal(2, outcome.Attempts, "attempts");
                Assert.Equal(1UL, auth.Counters().Retries, "retries");
            }
            using (TestServer server = TestServer.Start(null, "--fault", "400"))
            using (ContrastAuth auth = server.Handle())
            {
                var e = Assert.Throws<HttpStatusException>(() => auth.Send("POST", Path_, Json, Report), "400 is not retried");
                Assert.Equal(400, e.Status, "status");
            }
        }

        [Test]
        private static void HttpIsRefused()
        {
            Assert.Throws<TlsRequiredException>(
                () => ContrastAuth.FromCredentials("http://app.contrastsecurity.com/Contrast", TestServer.User, TestServer.Service, TestServer.Api), "http credentials");
            var settings = new Dictionary<string, string>
            {
                { "api.url", "http://127.0.0.1:1/Contrast" }, { "api.user_name", "u" }, { "api.service_key", "s" }, { "api.api_key", "k" },
            };
            var e = Assert.Throws<TlsRequiredException>(() => ContrastAuth.FromEnvironment(null, settings, Runner.WorkDir), "http settings");
            Assert.Equal(6, e.Code, "code");
        }

        [Test]
        private static void TrustAnchorsFromTheHost()
        {
            using (TestServer server = TestServer.Start())
            {
                byte[] der = File.ReadAllBytes(server.CaDerFile);
                Dictionary<string, string> settings = server.Settings();
                settings.Remove("api.certificate.ca_file");
                using (ContrastAuth auth = ContrastAuth.FromEnvironment(new[] { der }, settings, Runner.WorkDir))
                {
                    Assert.Equal(200, auth.Send("POST", Path_, Json, Report).Status, "trusted through the anchor");
                }
                using (ContrastAuth auth = ContrastAuth.FromEnvironment(new byte[0][], settings, Runner.WorkDir))
                {
                    Assert.Throws<TlsException>(() => auth.Send("POST", Path_, Json, Report), "without the anchor");
                }
                var junk = Assert.Throws<ArgumentException>(
                    () => ContrastAuth.FromEnvironment(new[] { der, new byte[] { 0x30, 0x03, 1, 2, 3 } }, settings, Runner.WorkDir), "junk");
                Assert.True(junk.Message.Contains("trust anchor 1"), junk.Message);
                Assert.Throws<ArgumentException>(() => ContrastAuth.FromEnvironment(new[] { new byte[0] }, settings, Runner.WorkDir), "empty");
                Assert.Throws<ArgumentNullException>(() => ContrastAuth.FromEnvironment(new byte[][] { null }, settings, Runner.WorkDir), "null");
            }
        }

        [Test]
        private static void SendAsyncWith16ConcurrentTasks()
        {
            using (TestServer server = TestServer.Start())
            using (ContrastAuth auth = server.Handle())
            {
                Task<SendOutcome>[] tasks = Enumerable.Range(0, 16)
                    .Select(i => auth.SendAsync("POST", Path_ + "?n=" + i, Json, Encoding.UTF8.GetBytes("{\"n\":" + i + "}")))
                    .ToArray();
                Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(120)), "all finished");
                Assert.True(tasks.All(t => t.Result.Status == 200), "all accepted");
                Counters counters = auth.Counters();
                Assert.Equal(16UL, counters.Acknowledged, "acknowledged");
                Assert.Equal(0UL, counters.Failed, "failed");
            }
        }

        [Test]
        private static void CancellationBeforeStart()
        {
            using (TestServer server = TestServer.Start())
            using (ContrastAuth auth = server.Handle())
            using (var source = new CancellationTokenSource())
            {
                source.Cancel();
                Task<SendOutcome> task = auth.SendAsync("POST", Path_, Json, Report, source.Token);
                try
                {
                    task.Wait(TimeSpan.FromSeconds(30));
                }
                catch (AggregateException e)
                {
                    Assert.True(e.InnerException is TaskCanceledException, e.ToString());
                }
                Assert.True(task.IsCanceled, "cancelled, status " + task.Status);
                Assert.Equal(0UL, auth.Counters().Requests, "no request was made");
                // A task that fails is faulted with the library's exception.
                Task<SendOutcome> bad = auth.SendAsync("POST", "no-slash", Json, Report);
                var aggregate = Assert.Throws<AggregateException>(() => bad.Wait(TimeSpan.FromSeconds(30)), "bad path");
                Assert.True(aggregate.InnerException is ArgumentException, aggregate.InnerException.ToString());
                Assert.Equal(200, auth.SendAsync("POST", Path_, Json, Report, CancellationToken.None).Result.Status, "not cancelled");
            }
        }

        [Test]
        private static void NonAsciiUserNamesEndToEnd()
        {
            foreach (string user in new[] { "agent_\u00fc7f3a", "agent_\U0001D11E7f3a@Org" })
            {
                using (TestServer server = TestServer.Start(new[] { user + ":" + TestServer.Service + ":" + TestServer.Api }))
                using (ContrastAuth auth = server.Handle(user: user))
                {
                    Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + TestServer.Service)), auth.AuthorizationHeader(), "authorization");
                    Assert.Equal(200, auth.Send("POST", Path_, Json, Report).Status, user);
                }
                using (ContrastAuth auth = ContrastAuth.FromCredentials("https://app.contrastsecurity.com/Contrast", user, TestServer.Service, TestServer.Api))
                {
                    Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + TestServer.Service)), auth.AuthorizationHeader(), "from credentials");
                }
            }
        }

        [Test]
        private static void TheAgentDirectoryIsDotnetCore()
        {
            string system = Path.Combine(Runner.WorkDir, "etc-contrast-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(system, "dotnet-core"));
            Directory.CreateDirectory(Path.Combine(system, "python"));
            string yaml = "api:\n  url: https://app.contrastsecurity.com/Contrast\n  user_name: agent_yaml@Org\n  service_key: YAMLSERVICE01\n  api_key: {0}\n";
            File.WriteAllText(Path.Combine(Path.Combine(system, "python"), "contrast_security.yaml"), string.Format(yaml, "PYTHONKEY"));
            Assert.Throws<ConfigException>(() => ContrastAuth.FromEnvironment(null, null, system), "another agent's directory is not read");
            File.WriteAllText(Path.Combine(Path.Combine(system, "dotnet-core"), "contrast_security.yaml"), string.Format(yaml, "DOTNETKEY"));
            using (ContrastAuth auth = ContrastAuth.FromEnvironment(null, null, system))
            {
                Assert.Equal("DOTNETKEY", auth.ApiKeyHeader(), "from /etc/contrast/dotnet-core/");
            }
            using (ContrastAuth auth = ContrastAuth.FromEnvironment(null, new Dictionary<string, string> { { "contrast.api.api_key", "HOSTKEY" } }, system))
            {
                Assert.Equal("HOSTKEY", auth.ApiKeyHeader(), "host settings first");
            }
        }
    }
}
