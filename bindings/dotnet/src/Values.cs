using System.Runtime.InteropServices;

namespace Contrast.Auth
{
    /// <summary>What the server said to an accepted report.</summary>
    public sealed class SendOutcome
    {
        internal SendOutcome(NativeSendOutcome outcome)
        {
            Status = outcome.Status;
            Attempts = (int)outcome.Attempts;
            Generation = (long)outcome.Generation;
            Reloaded = outcome.Reloaded;
        }

        /// <summary>The HTTP status of the acknowledgement (2xx).</summary>
        public int Status { get; private set; }

        /// <summary>Requests made, retries included (at least 1).</summary>
        public int Attempts { get; private set; }

        /// <summary>The credential generation that was accepted.</summary>
        public long Generation { get; private set; }

        /// <summary>Whether a rejection made the library reload the credentials before it succeeded.</summary>
        public bool Reloaded { get; private set; }

        /// <summary>For logs: status, attempts, generation, reload.</summary>
        /// <returns>A one-line description.</returns>
        public override string ToString()
        {
            return "SendOutcome(Status=" + Status + ", Attempts=" + Attempts + ", Generation=" + Generation + ", Reloaded=" + Reloaded + ")";
        }
    }

    /// <summary>Fingerprints (first 8 hex digits of SHA-256) of every secret in the current
    /// credentials: safe to log, they tell which key is in use without revealing it.</summary>
    public sealed class Fingerprints
    {
        internal unsafe Fingerprints(NativeFingerprints* native)
        {
            UserName = Utf8.FromNative((System.IntPtr)native->UserName);
            ServiceKey = Utf8.FromNative((System.IntPtr)native->ServiceKey);
            ApiKey = Utf8.FromNative((System.IntPtr)native->ApiKey);
            SigningKey = Utf8.FromNative((System.IntPtr)native->SigningKey);
            Generation = (long)native->Generation;
        }

        /// <summary>Of the user name.</summary>
        public string UserName { get; private set; }

        /// <summary>Of the service key (layer 1).</summary>
        public string ServiceKey { get; private set; }

        /// <summary>Of the API key (layer 2).</summary>
        public string ApiKey { get; private set; }

        /// <summary>Of the HMAC signing key (the suffix of the signature <c>keyid</c>).</summary>
        public string SigningKey { get; private set; }

        /// <summary>The generation these belong to: 1 at creation, +1 with every change.</summary>
        public long Generation { get; private set; }

        /// <summary>For logs: every fingerprint and the generation (no secret).</summary>
        /// <returns>A one-line description.</returns>
        public override string ToString()
        {
            return "Fingerprints(UserName=" + UserName + ", ServiceKey=" + ServiceKey + ", ApiKey=" + ApiKey +
                   ", SigningKey=" + SigningKey + ", Generation=" + Generation + ")";
        }
    }

    /// <summary>Running totals of a handle's reports; each only grows. The layout is the C
    /// struct <c>contrast_counters</c>: a field added there is one property added here, in the
    /// same place.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Counters
    {
        /// <summary>Reports the server acknowledged (2xx).</summary>
        public ulong Acknowledged { get; private set; }

        /// <summary>Reports that ended in an error.</summary>
        public ulong Failed { get; private set; }

        /// <summary>Requests made, retries included.</summary>
        public ulong Requests { get; private set; }

        /// <summary>Requests that were retries.</summary>
        public ulong Retries { get; private set; }

        /// <summary>Credential reloads after the server refused a key.</summary>
        public ulong Reloads { get; private set; }

        /// <summary>New connections, each with a TLS handshake.</summary>
        public ulong Handshakes { get; private set; }

        /// <summary>Responses refusing the credentials (401, 403, 412).</summary>
        public ulong Rejections { get; private set; }

        /// <summary>Failures on a reused keep-alive connection retried once on a fresh one.</summary>
        public ulong Reconnects { get; private set; }

        /// <summary>For logs: every counter.</summary>
        /// <returns>A one-line description.</returns>
        public override string ToString()
        {
            var text = new System.Text.StringBuilder("Counters(");
            foreach (System.Reflection.PropertyInfo property in typeof(Counters).GetProperties())
            {
                if (text.Length > 9) text.Append(", ");
                text.Append(property.Name).Append('=').Append(property.GetValue(this, null));
            }
            return text.Append(')').ToString();
        }
    }
}
