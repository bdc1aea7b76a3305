// The shared vectors (tests/vectors/, flattened to hex TSV by bindings/c/tests/vectors_to_tsv.py)
// through Headers and Sign with a fixed time and nonce, byte for byte.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Contrast.Auth.Tests
{
    internal static class VectorTests
    {
        private const string Url = "https://app.contrastsecurity.com/Contrast";

        private static byte[] Unhex(string hex)
        {
            if (hex == "-") return null;
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            return bytes;
        }

        private static string Text(string hex)
        {
            byte[] bytes = Unhex(hex);
            return bytes == null ? null : Encoding.UTF8.GetString(bytes);
        }

        private static List<string[]> Rows(string file)
        {
            return File.ReadAllLines(Path.Combine(Runner.VectorDir, file)).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();
        }

        [Test]
        private static void HeaderVectorsByteForByte()
        {
            List<string[]> rows = Rows("headers.tsv");
            Assert.True(rows.Count >= 6, "at least 6 header cases, got " + rows.Count);
            bool nonAscii = false;
            foreach (string[] row in rows)
            {
                string name = Text(row[0]), user = Text(row[2]);
                nonAscii |= user.Any(c => c > 127);
                using (ContrastAuth auth = ContrastAuth.FromCredentials(Text(row[1]), user, Text(row[3]), Text(row[4])))
                {
                    Assert.Equal(Text(row[5]), auth.AuthorizationHeader(), name + " authorization");
                    Assert.Equal(Text(row[6]), auth.ApiKeyHeader(), name + " api key");
                    IReadOnlyDictionary<string, string> headers = auth.Headers();
                    Assert.Equal("Authorization,API-Key,Accept,User-Agent", string.Join(",", headers.Keys), name + " header order");
                    Assert.Equal(Text(row[5]), headers["authorization"], name + " Authorization (case-insensitive)");
                    Assert.Equal(Text(row[6]), headers["API-Key"], name + " API-Key");
                    Assert.Equal("application/json", headers["Accept"], name + " Accept");
                }
            }
            Assert.True(nonAscii, "the vectors include non-ASCII user names");
        }

        [Test]
        private static void SigningVectorsByteForByte()
        {
            List<string[]> rows = Rows("signing.tsv");
            Assert.True(rows.Count >= 20, "at least 20 signing cases, got " + rows.Count);
            foreach (string[] f in rows)
            {
                Assert.Equal(18, f.Length, "fields");
                string name = Text(f[0]), user = Text(f[1]), service = Text(f[2]), api = Text(f[3]);
                string signingKey = Text(f[4]), prevService = Text(f[5]), prevApi = Text(f[6]);
                // With previous keys, the handle starts with them and rotates to the current ones.
                var settings = new Dictionary<string, string>
                {
                    { "api.url", Url }, { "api.user_name", user },
                    { "api.service_key", prevService ?? service }, { "api.api_key", prevApi ?? api },
                };
                if (signingKey != null) settings["api.signing_key"] = signingKey;
                using (ContrastAuth auth = ContrastAuth.FromEnvironment(null, settings, Runner.WorkDir))
                {
                    if (prevService != null) auth.Rotate(service, api);
                    Assert.Equal(Text(f[13]), auth.AuthorizationHeader(), name + " authorization");
                    Assert.Equal(Text(f[14]), auth.ApiKeyHeader(), name + " api key");
                    IReadOnlyDictionary<string, string> signed = auth.Sign(
                        Text(f[7]), Text(f[8]), Text(f[9]), Unhex(f[10]) ?? new byte[0], long.Parse(f[11]), Unhex(f[12]));
                    Assert.Equal("Content-Digest,Signature-Input,Signature", string.Join(",", signed.Keys), name + " order");
                    Assert.Equal(Text(f[15]), signed["Content-Digest"], name + " Content-Digest");
                    Assert.Equal(Text(f[16]), signed["Signature-Input"], name + " Signature-Input");
                    Assert.Equal(Text(f[17]), signed["Signature"], name + " Signature");
                    Assert.True(signed.Values.All(v => !v.Contains(user) && v.All(c => c < 128)), name + ": ASCII, no user name");
                }
            }
        }

        [Test]
        private static void SignNowHasAFreshNonceEachTime()
        {
            using (ContrastAuth auth = ContrastAuth.FromCredentials(Url, "agent_\u00fc7f3a", TestServer.Service, TestServer.Api))
            {
                byte[] body = Encoding.UTF8.GetBytes("{\"a\":1}");
                IReadOnlyDictionary<string, string> first = auth.Sign("POST", Url + "/api/ng/agents/report", "application/json", body);
                IReadOnlyDictionary<string, string> second = auth.Sign("POST", Url + "/api/ng/agents/report", "application/json", body);
                Assert.Equal(first["Content-Digest"], second["Content-Digest"], "same digest");
                Assert.True(first["Signature-Input"] != second["Signature-Input"], "a new nonce each time");
                Assert.True(first["Content-Digest"].StartsWith("sha-256=:"), first["Content-Digest"]);
            }
        }
    }
}
