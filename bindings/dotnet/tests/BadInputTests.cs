// Bad input of every kind: a typed exception naming what is wrong, never a crash, never a secret.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace Contrast.Auth.Tests
{
    internal static class BadInputTests
    {
        private const string Url = "https://app.contrastsecurity.com/Contrast";
        private const string Secret = "PLANTEDSECRETc0ffee";

        private static ContrastAuth NewAuth()
        {
            return ContrastAuth.FromCredentials(Url, TestServer.User, TestServer.Service, TestServer.Api);
        }

        [Test]
        private static void NullsAreArgumentNullExceptionsNamingTheParameter()
        {
            var cases = new Dictionary<string, Action>
            {
                { "url", () => ContrastAuth.FromCredentials(null, "u", "s", "k") },
                { "userName", () => ContrastAuth.FromCredentials(Url, null, "s", "k") },
                { "serviceKey", () => ContrastAuth.FromCredentials(Url, "u", null, "k") },
                { "apiKey", () => ContrastAuth.FromCredentials(Url, "u", "s", null) },
                { "token", () => ContrastAuth.FromToken(null) },
            };
            using (ContrastAuth auth = NewAuth())
            {
                byte[] body = new byte[1];
                cases.Add("method", () => auth.Sign(null, Url + "/x", "a/b", body));
                cases.Add("url ", () => auth.Sign("POST", null, "a/b", body));
                cases.Add("contentType", () => auth.Sign("POST", Url + "/x", null, body));
                cases.Add("body", () => auth.Sign("POST", Url + "/x", "a/b", null));
                cases.Add("nonce", () => auth.Sign("POST", Url + "/x", "a/b", body, 1, null));
                cases.Add("path", () => auth.Send("POST", null, "a/b", body));
                cases.Add("body ", () => auth.Send("POST", "/x", "a/b", null));
                cases.Add("method ", () => auth.SendAsync(null, "/x", "a/b", body));
                foreach (KeyValuePair<string, Action> c in cases)
                {
                    var e = Assert.Throws<ArgumentNullException>(c.Value, c.Key);
                    Assert.Equal(c.Key.Trim(), e.ParamName, "parameter name");
                }
                Assert.Throws<ArgumentException>(() => auth.Rotate(null, null), "nothing to rotate");
            }
        }

        [Test]
        private static void NulCrLfAndEmptyValuesAreArgumentExceptions()
        {
            foreach (string bad in new[] { Secret + "\0x", Secret + "\r\nX-Injected: 1", Secret + "\n", "", "   ", Secret + "\t\u0001" })
            {
                foreach (int position in Enumerable.Range(0, 4))
                {
                    var args = new[] { Url, TestServer.User, TestServer.Service, TestServer.Api };
                    args[position] = bad;
                    var e = Assert.Throws<ArgumentException>(() => ContrastAuth.FromCredentials(args[0], args[1], args[2], args[3]), "argument " + position);
                    Assert.True(!e.Message.Contains(Secret), "no secret in: " + e.Message);
                }
                using (ContrastAuth auth = NewAuth())
                {
                    Assert.Throws<ArgumentException>(() => auth.Rotate(bad, null), "rotate");
                    Assert.Equal(TestServer.Api, auth.ApiKeyHeader(), "a failed rotation changes nothing");
                    Assert.Equal(1L, auth.Fingerprints().Generation, "generation");
                }
            }
            Assert.Throws<ArgumentException>(() => ContrastAuth.FromCredentials(Url, "user:name", "s", "k"), "a colon in the user name");
            Assert.Throws<ArgumentException>(() => ContrastAuth.FromCredentials("not a url", "u", "s", "k"), "not a URL");
            Assert.Throws<ArgumentException>(() => ContrastAuth.FromCredentials(Url, "u\ud800", "s", "k"), "a lone surrogate");
            var token = Assert.Throws<InvalidTokenException>(() => ContrastAuth.FromToken("bm90IGpzb24=" + Secret), "token");
            Assert.True(!token.Message.Contains(Secret), token.Message);
            Assert.Equal(10, token.Code, "code");
        }

        [Test]
        private static void ATokenWorksLikeItsValues()
        {
            string json = "{\"url\":\"" + Url + "\",\"api_key\":\"" + TestServer.Api + "\",\"service_key\":\"" + TestServer.Service + "\",\"user_name\":\"" + TestServer.User + "\"}";
            using (ContrastAuth fromToken = ContrastAuth.FromToken(Convert.ToBase64String(Encoding.UTF8.GetBytes(json))))
            using (ContrastAuth fromValues = NewAuth())
            {
                Assert.Equal(fromValues.AuthorizationHeader(), fromToken.AuthorizationHeader(), "authorization");
                Assert.Equal(fromValues.ApiKeyHeader(), fromToken.ApiKeyHeader(), "api key");
            }
        }

        [Test]
        private static void BadSigningAndSendingArguments()
        {
            using (ContrastAuth auth = NewAuth())
            {
                byte[] body = new byte[3];
                Assert.Throws<ArgumentException>(() => auth.Sign("POST", Url, "a/b", body, 1, new byte[15]), "short nonce");
                Assert.Throws<ArgumentException>(() => auth.Sign("POST", Url, "a/b", body, -1, new byte[16]), "negative time");
                var e = Assert.Throws<SigningException>(() => auth.Sign("POST", "http://x.example/a", "a/b", body), "http url");
                Assert.Equal(13, e.Code, "code");
                Assert.Throws<SigningException>(() => auth.Sign("PO ST", Url + "/a", "a/b", body), "bad method");
                Assert.Throws<ArgumentException>(() => auth.Send("POST", "/api\r\nX-Evil: 1", "a/b", body), "CR/LF in the path");
                Assert.Throws<ArgumentException>(() => auth.Send("", "/api", "a/b", body), "empty method");
                Assert.Throws<ArgumentException>(() => auth.Send("POST", "no-slash", "a/b", body), "no leading slash");
                Assert.Throws<ArgumentException>(() => auth.SendAsync("POST", "/x\0", "a/b", body), "NUL in the path (checked before the task starts)");
            }
        }

        [Test]
        private static void BadHostSettingsNameTheirIndexNotTheirValue()
        {
            var settings = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("api.url", Url),
                new KeyValuePair<string, string>("api key", Secret),
            };
            var e = Assert.Throws<ArgumentException>(() => ContrastAuth.FromEnvironment(null, settings, Runner.WorkDir), "bad key");
            Assert.True(e.Message.Contains("setting 1") && !e.Message.Contains(Secret), e.Message);
            settings[1] = new KeyValuePair<string, string>("api.api_key", null);
            Assert.Throws<ArgumentNullException>(() => ContrastAuth.FromEnvironment(null, settings, Runner.WorkDir), "null value");
        }

        [Test]
        private static void ADisposedHandleThrowsObjectDisposedAndDisposeTwiceIsFine()
        {
            ContrastAuth auth = NewAuth();
            auth.Dispose();
            auth.Dispose();
            byte[] body = new byte[1];
            var calls = new Dictionary<string, Action>
            {
                { "AuthorizationHeader", () => auth.AuthorizationHeader() },
                { "ApiKeyHeader", () => auth.ApiKeyHeader() },
                { "Headers", () => auth.Headers() },
                { "Sign", () => auth.Sign("POST", Url + "/a", "a/b", body) },
                { "Sign fixed", () => auth.Sign("POST", Url + "/a", "a/b", body, 1, new byte[16]) },
                { "Send", () => auth.Send("POST", "/a", "a/b", body) },
                { "SendAsync", () => auth.SendAsync("POST", "/a", "a/b", body) },
                { "Rotate", () => auth.Rotate("NEWKEY", null) },
                { "Reload", () => auth.Reload() },
                { "Fingerprints", () => auth.Fingerprints() },
                { "Counters", () => auth.Counters() },
            };
            foreach (KeyValuePair<string, Action> call in calls)
            {
                var e = Assert.Throws<ObjectDisposedException>(call.Value, call.Key);
                Assert.Equal("ContrastAuth", e.ObjectName, "object name");
            }
        }

        [Test]
        private static void DisposeWhileOtherThreadsReadWaitsForThem()
        {
            ContrastAuth auth = NewAuth();
            int reads = 0, disposed = 0, other = 0;
            var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
            {
                for (int i = 0; i < 2000; i++)
                {
                    try
                    {
                        if (auth.ApiKeyHeader() != TestServer.Api) Interlocked.Increment(ref other);
                        Interlocked.Increment(ref reads);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref disposed);
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref other);
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            Thread.Sleep(5);
            auth.Dispose();
            threads.ForEach(t => t.Join());
            Assert.Equal(0, other, "every read saw the key or ObjectDisposedException");
            Assert.Equal(8000, reads + disposed, "all calls ended");
        }

        [Test]
        private static void FailedConstructorsLeakNoHandle()
        {
            long before = LifetimeTests.Live();
            for (int i = 0; i < 50; i++)
            {
                Assert.Throws<ArgumentException>(() => ContrastAuth.FromCredentials(Url, "a:b", "s", "k"), "colon");
                Assert.Throws<InvalidTokenException>(() => ContrastAuth.FromToken("%%%"), "token");
                Assert.Throws<ConfigException>(() => ContrastAuth.FromEnvironment(null, null, Runner.WorkDir), "no configuration");
            }
            Assert.Equal(before, LifetimeTests.Live(), "live native handles");
        }
    }
}
