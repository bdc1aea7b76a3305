// Stopwatch benchmarks of Contrast.Auth on the runtime it is started with (BENCHMARKS.md: CoreCLR 8)
// against a pure C# baseline doing the same work with the platform's SHA256 / HMACSHA256 and
// Convert.ToBase64String. Each pair's outputs are checked equal before anything is timed; rounds
// of the two alternate, and the median round is reported.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Contrast.Auth;

internal static class Bench
{
    private const string ApiUrl = "https://app.contrastsecurity.com/Contrast";
    private const string User = "agent_0f3c9a1e@ExampleOrg";
    private const string Service = "SVCKEY4Q7Z2M9X1B";
    private const string Api = "APIKEYd8f2a61c0e9b47";
    private const string ReportUrl = ApiUrl + "/api/ng/agents/report";
    private const string ContentType = "application/json";

    /// <summary>The RFC 9421 signature of DESIGN.md, in plain C#: what an agent would write
    /// without the library (signing key configured, so no HKDF).</summary>
    private sealed class PureSigner
    {
        private readonly HMACSHA256 hmac;
        private readonly SHA256 sha = SHA256.Create();
        private readonly string keyid;

        internal PureSigner(byte[] key)
        {
            hmac = new HMACSHA256(key);
            byte[] hash = SHA256.Create().ComputeHash(key);
            keyid = string.Concat(hash.Take(8).Select(b => b.ToString("x2")));
        }

        internal Dictionary<string, string> Sign(string method, string url, string contentType, byte[] body, long created, byte[] nonce)
        {
            var uri = new Uri(url);
            string digest = "sha-256=:" + Convert.ToBase64String(sha.ComputeHash(body)) + ":";
            string nonceText = Convert.ToBase64String(nonce).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            string parameters = "(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-type\" \"content-digest\");created=" + created +
                                ";expires=" + (created + 300) + ";nonce=\"" + nonceText + "\";keyid=\"" + keyid + "\";tag=\"contrast-auth/v1\"";
            string query = uri.Query.Length == 0 ? "?" : uri.Query;
            string authority = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port;
            string signatureBase = "\"@method\": " + method + "\n\"@authority\": " + authority + "\n\"@path\": " + uri.AbsolutePath +
                                   "\n\"@query\": " + query + "\n\"content-type\": " + contentType + "\n\"content-digest\": " + digest +
                                   "\n\"@signature-params\": " + parameters;
            string signature = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(signatureBase)));
            return new Dictionary<string, string>
            {
                { "Content-Digest", digest },
                { "Signature-Input", "contrast=" + parameters },
                { "Signature", "contrast=:" + signature + ":" },
            };
        }
    }

    private static double Nanos(Action action, int iterations)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) action();
        clock.Stop();
        return clock.Elapsed.TotalMilliseconds * 1e6 / iterations;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>15 rounds, each timing the library then the baseline right after it (the
    /// machine is shared: absolute figures move, a ratio within one round holds); prints the
    /// median of each and the median per-round ratio.</summary>
    private static void Compare(string name, Action library, Action baseline, int iterations)
    {
        for (int i = 0; i < Math.Max(iterations / 10, 100); i++)
        {
            library();
            baseline();
        }
        var lib = new List<double>();
        var pure = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < 15; round++)
        {
            double l = Nanos(library, iterations), p = Nanos(baseline, iterations);
            lib.Add(l);
            pure.Add(p);
            ratios.Add(l / p);
        }
        Console.WriteLine("| {0} | {1:F0} ns | {2:F0} ns | {3:F2}x |", name, Median(lib), Median(pure), Median(ratios));
    }

    private static int Main(string[] args)
    {
        double scale = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
        var key = new byte[32];
        for (int i = 0; i < key.Length; i++) key[i] = (byte)(i * 7 + 1);
        var nonce = new byte[16];
        for (int i = 0; i < nonce.Length; i++) nonce[i] = (byte)(0xA0 + i);
        const long created = 1700000000;
        var settings = new Dictionary<string, string>
        {
            { "api.url", ApiUrl }, { "api.user_name", User }, { "api.service_key", Service }, { "api.api_key", Api },
            { "api.signing_key", Convert.ToBase64String(key) },
        };
        var fromEnvironment = typeof(ContrastAuth).GetMethod("FromEnvironment",
            System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic);
        var auth = (ContrastAuth)fromEnvironment.Invoke(null, new object[] { null, settings, "/nonexistent" });
        var pure = new PureSigner(key);
        Console.WriteLine("runtime: .NET " + Environment.Version + ", " + Environment.ProcessorCount + " CPUs");
        Console.WriteLine("| operation | Contrast.Auth | pure C# | ratio |");
        Console.WriteLine("|---|---|---|---|");
        foreach (int size in new[] { 1024, 65536 })
        {
            var body = new byte[size];
            new Random(size).NextBytes(body);
            IReadOnlyDictionary<string, string> a = auth.Sign("POST", ReportUrl, ContentType, body, created, nonce);
            Dictionary<string, string> b = pure.Sign("POST", ReportUrl, ContentType, body, created, nonce);
            foreach (string header in b.Keys)
            {
                if (a[header] != b[header]) throw new Exception(header + " differs: " + a[header] + " vs " + b[header]);
            }
            int iterations = (int)((size == 1024 ? 20000 : 1000) * scale);
            Compare("sign " + (size / 1024) + " KiB (fixed time and nonce)",
                () => auth.Sign("POST", ReportUrl, ContentType, body, created, nonce),
                () => pure.Sign("POST", ReportUrl, ContentType, body, created, nonce), iterations);
        }
        string expected = Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Service));
        if (auth.AuthorizationHeader() != expected || auth.ApiKeyHeader() != Api) throw new Exception("header values differ");
        string sink = null;
        int headerIterations = (int)(200000 * scale);
        Compare("Authorization value", () => sink = auth.AuthorizationHeader(),
            () => sink = Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Service)), headerIterations);
        Compare("both header values", () => { sink = auth.AuthorizationHeader(); sink = auth.ApiKeyHeader(); },
            () => { sink = Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Service)); sink = new string(Api.ToCharArray()); }, headerIterations);
        GC.KeepAlive(sink);
        auth.Dispose();
        return 0;
    }
}
