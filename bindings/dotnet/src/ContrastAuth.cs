using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Contrast.Auth
{
    /// <summary>Both credential layers of a Contrast agent (<c>Authorization</c>: base64 of
    /// <c>user_name:service_key</c>; <c>API-Key</c>), held in native memory that is wiped when
    /// released, rotated atomically, sent over TLS only. Thread-safe: every method may be
    /// called from any number of threads at once. Dispose it when done (a forgotten one is
    /// released by the finalizer).</summary>
    /// <remarks>Header values are .NET strings the library cannot wipe: the handle keeps the
    /// current pair (read from one native snapshot, replaced after every rotation, reload or
    /// send) until it is disposed; keep your copies no longer than a request.</remarks>
    public sealed unsafe class ContrastAuth : IDisposable
    {
        /// <summary>The agent name given to the library: <c>contrast_security.yaml</c> is also
        /// searched in <c>/etc/contrast/dotnet-core/</c>.</summary>
        internal const string AgentName = "dotnet-core";

        private static readonly string[] KeyNames = { "user_name", "service_key", "api_key", "signing_key", "url" };

        private readonly ContrastAuthHandle handle;
        private readonly object refreshGate = new object();

        /// <summary>The two header values of the native side's current snapshot, replaced after
        /// every call that may change it (rotate, reload, send): reads are a field read.</summary>
        private volatile HeaderPair pair;

        private ContrastAuth(ContrastAuthHandle handle)
        {
            this.handle = handle;
        }

        /// <summary>Both header values from one native snapshot.</summary>
        private sealed class HeaderPair
        {
            internal readonly string Authorization;
            internal readonly string ApiKey;

            internal HeaderPair(string authorization, string apiKey)
            {
                Authorization = authorization;
                ApiKey = apiKey;
            }
        }

        /// <summary>From explicit values: <paramref name="url"/> (<c>https://</c> only,
        /// including the <c>/Contrast</c> base), the agent <paramref name="userName"/>, its
        /// <paramref name="serviceKey"/> (layer 1) and the organization
        /// <paramref name="apiKey"/> (layer 2).</summary>
        /// <param name="url">The API URL, e.g. <c>https://app.contrastsecurity.com/Contrast</c>.</param>
        /// <param name="userName">The agent user name (any Unicode, no colon).</param>
        /// <param name="serviceKey">The agent user's service key.</param>
        /// <param name="apiKey">The organization API key.</param>
        /// <returns>A new handle.</returns>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentException">An argument is empty or holds NUL, CR/LF or
        /// another control character, or the user name a colon.</exception>
        /// <exception cref="TlsRequiredException">The URL is not <c>https://</c>.</exception>
        public static ContrastAuth FromCredentials(string url, string userName, string serviceKey, string apiKey)
        {
            byte[] u = Utf8.Argument(url, "url");
            byte[] n = Utf8.Argument(userName, "userName");
            byte[] s = Utf8.Argument(serviceKey, "serviceKey");
            byte[] k = Utf8.Argument(apiKey, "apiKey");
            NativeApi api = NativeLoader.Api;
            var owner = new ContrastAuthHandle();
            var result = NativeResult.Panic;
            try
            {
                fixed (byte* pu = u, pn = n, ps = s, pk = k)
                {
                    RuntimeHelpers.PrepareConstrainedRegions();
                    try
                    {
                    }
                    finally
                    {
                        IntPtr raw;
                        result = api.New(pu, pn, ps, pk, out raw);
                        if (result == NativeResult.Ok) owner.Adopt(raw);
                    }
                }
            }
            finally
            {
                Utf8.Wipe(n);
                Utf8.Wipe(s);
                Utf8.Wipe(k);
            }
            return Adopted(owner, result, "ContrastAuth.FromCredentials");
        }

        /// <summary>From an agent token (<c>api.token</c>: standard base64 of a JSON object with
        /// exactly <c>url</c>, <c>api_key</c>, <c>service_key</c> and <c>user_name</c>).</summary>
        /// <param name="token">The agent token.</param>
        /// <returns>A new handle.</returns>
        /// <exception cref="ArgumentNullException">The token is null.</exception>
        /// <exception cref="InvalidTokenException">The token is malformed.</exception>
        public static ContrastAuth FromToken(string token)
        {
            byte[] t = Utf8.Argument(token, "token");
            NativeApi api = NativeLoader.Api;
            var owner = new ContrastAuthHandle();
            var result = NativeResult.Panic;
            try
            {
                fixed (byte* pt = t)
                {
                    RuntimeHelpers.PrepareConstrainedRegions();
                    try
                    {
                    }
                    finally
                    {
                        IntPtr raw;
                        result = api.FromToken(pt, out raw);
                        if (result == NativeResult.Ok) owner.Adopt(raw);
                    }
                }
            }
            finally
            {
                Utf8.Wipe(t);
            }
            return Adopted(owner, result, "ContrastAuth.FromToken");
        }

        /// <summary>From the process configuration, as every Contrast agent reads it:
        /// <c>CONTRAST__API__*</c> environment variables, then <c>contrast_security.yaml</c>
        /// (the path in <c>CONTRAST_CONFIG_PATH</c>, the working directory,
        /// <c>/etc/contrast/dotnet-core/</c>, <c>/etc/contrast/</c>), with <c>api.token</c>
        /// filling in what is not set. <see cref="Reload"/> re-reads the file.</summary>
        /// <param name="trustAnchors">Extra CA certificates to trust, each DER X.509 (e.g. the
        /// host's own trust store), together with <c>api.certificate.ca_file</c>; null for none.</param>
        /// <returns>A new handle.</returns>
        /// <exception cref="ArgumentNullException">A certificate is null.</exception>
        /// <exception cref="ArgumentException">A certificate is empty or not DER (the message
        /// names its index).</exception>
        /// <exception cref="ConfigException">A key is missing or a file unreadable.</exception>
        /// <exception cref="TlsRequiredException">The configured URL is not <c>https://</c>.</exception>
        public static ContrastAuth FromEnvironment(IEnumerable<byte[]> trustAnchors = null)
        {
            return FromEnvironment(trustAnchors, null, null);
        }

        /// <summary>The full form of <see cref="FromEnvironment(IEnumerable{byte[]})"/>: host
        /// settings (highest precedence) and another system directory than
        /// <c>/etc/contrast</c> (tests).</summary>
        internal static ContrastAuth FromEnvironment(
            IEnumerable<byte[]> trustAnchors, IEnumerable<KeyValuePair<string, string>> settings, string systemConfigDir)
        {
            var certificates = new List<byte[]>();
            if (trustAnchors != null)
            {
                foreach (byte[] certificate in trustAnchors)
                {
                    if (certificate == null) throw new ArgumentNullException("trustAnchors", "trust anchor " + certificates.Count + " is null");
                    certificates.Add(certificate);
                }
            }
            var texts = new List<byte[]>();
            try
            {
                byte[] agent = Utf8.ToNative(AgentName);
                texts.Add(agent);
                byte[] directory = Utf8.OptionalArgument(systemConfigDir, "systemConfigDir");
                texts.Add(directory);
                var pairs = new List<byte[]>();
                if (settings != null)
                {
                    foreach (KeyValuePair<string, string> setting in settings)
                    {
                        byte[] key = Utf8.Argument(setting.Key, "settings");
                        texts.Add(key);
                        byte[] value = Utf8.Argument(setting.Value, "settings");
                        texts.Add(value);
                        pairs.Add(key);
                        pairs.Add(value);
                    }
                }
                return FromEnvironmentPinned(agent, directory, pairs, certificates);
            }
            finally
            {
                foreach (byte[] text in texts) Utf8.Wipe(text);
            }
        }

        private static ContrastAuth FromEnvironmentPinned(byte[] agent, byte[] directory, List<byte[]> pairs, List<byte[]> certificates)
        {
            NativeApi api = NativeLoader.Api;
            // Pin every buffer for the call; the library copies what it keeps.
            var pins = new List<System.Runtime.InteropServices.GCHandle>();
            try
            {
                Func<byte[], IntPtr> pin = bytes =>
                {
                    if (bytes == null) return IntPtr.Zero;
                    var pinned = System.Runtime.InteropServices.GCHandle.Alloc(bytes, System.Runtime.InteropServices.GCHandleType.Pinned);
                    pins.Add(pinned);
                    return pinned.AddrOfPinnedObject();
                };
                int settingCount = pairs.Count / 2;
                NativeSetting* settings = stackalloc NativeSetting[Math.Max(settingCount, 1)];
                for (int i = 0; i < settingCount; i++)
                {
                    settings[i].Key = (byte*)pin(pairs[2 * i]);
                    settings[i].Value = (byte*)pin(pairs[2 * i + 1]);
                }
                NativeBytes* anchors = stackalloc NativeBytes[Math.Max(certificates.Count, 1)];
                for (int i = 0; i < certificates.Count; i++)
                {
                    // An empty certificate still gets a non-NULL pointer: the library refuses
                    // it as empty, naming its index.
                    anchors[i].Data = (byte*)pin(certificates[i].Length == 0 ? new byte[1] : certificates[i]);
                    anchors[i].Len = (UIntPtr)certificates[i].Length;
                }
                NativeEnvironmentOptions options;
                options.Agent = (byte*)pin(agent);
                options.SystemConfigDir = (byte*)pin(directory);
                options.Settings = settingCount > 0 ? settings : null;
                options.SettingCount = (UIntPtr)settingCount;
                options.TrustAnchors = certificates.Count > 0 ? anchors : null;
                options.TrustAnchorCount = (UIntPtr)certificates.Count;
                var owner = new ContrastAuthHandle();
                var result = NativeResult.Panic;
                RuntimeHelpers.PrepareConstrainedRegions();
                try
                {
                }
                finally
                {
                    IntPtr raw;
                    result = api.FromEnvironmentWithOptions(&options, out raw);
                    if (result == NativeResult.Ok) owner.Adopt(raw);
                }
                return Adopted(owner, result, "ContrastAuth.FromEnvironment");
            }
            finally
            {
                foreach (System.Runtime.InteropServices.GCHandle pinned in pins) pinned.Free();
            }
        }

        /// <summary>The new handle on success; otherwise releases nothing (the library wrote no
        /// handle) and throws the result's exception.</summary>
        private static ContrastAuth Adopted(ContrastAuthHandle owner, NativeResult result, string operation)
        {
            if (result != NativeResult.Ok)
            {
                Exception error = Errors.For(result, operation, null);
                owner.Dispose();
                throw error;
            }
            if (owner.IsInvalid)
            {
                owner.Dispose();
                throw new ContrastAuthException((int)NativeResult.Panic, operation + ": the library returned OK without a handle");
            }
            var auth = new ContrastAuth(owner);
            try
            {
                auth.RefreshPair();
            }
            catch
            {
                auth.Dispose();
                throw;
            }
            return auth;
        }

        /// <summary>Reads both header values from the native side's current snapshot
        /// (<c>contrast_auth_headers</c>: one snapshot, so never a new API key with an old
        /// service key) and caches them. Serialized, so the last refresh to finish holds the
        /// newest snapshot.</summary>
        private void RefreshPair()
        {
            lock (refreshGate)
            {
                IReadOnlyDictionary<string, string> headers = Headers();
                pair = new HeaderPair(headers["Authorization"], headers["API-Key"]);
            }
        }

        /// <summary><see cref="RefreshPair"/> after a call that may have changed the keys,
        /// unless the handle was disposed meanwhile.</summary>
        private void RefreshPairAfterChange()
        {
            try
            {
                RefreshPair();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>The current <c>Authorization</c> header value: base64 of
        /// <c>user_name:service_key</c>, no <c>Basic </c> prefix.</summary>
        /// <returns>The header value (a secret).</returns>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public string AuthorizationHeader()
        {
            return CurrentPair().Authorization;
        }

        /// <summary>The current <c>API-Key</c> header value.</summary>
        /// <returns>The header value (a secret).</returns>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public string ApiKeyHeader()
        {
            return CurrentPair().ApiKey;
        }

        private HeaderPair CurrentPair()
        {
            HeaderPair current = pair;
            if (current == null || handle.IsClosed) throw new ObjectDisposedException("ContrastAuth");
            return current;
        }

        /// <summary>Every header a request carries, from one snapshot (so <c>Authorization</c>
        /// and <c>API-Key</c> always belong together, even during a rotation):
        /// <c>Authorization</c>, <c>API-Key</c>, <c>Accept</c>, <c>User-Agent</c>, in that
        /// order. Names compare case-insensitively.</summary>
        /// <returns>The headers, in sending order.</returns>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public IReadOnlyDictionary<string, string> Headers()
        {
            NativeApi api = NativeLoader.Api;
            bool added = false;
            try
            {
                IntPtr auth = Borrow(ref added);
                IntPtr list;
                NativeResult result = api.Headers(auth, out list);
                if (result != NativeResult.Ok) throw Errors.For(result, "ContrastAuth.Headers", null);
                return TakeHeaders(api, list, "ContrastAuth.Headers");
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>Signs a report (RFC 9421, with an RFC 9530 <c>Content-Digest</c>):
        /// <c>Content-Digest</c>, <c>Signature-Input</c> and <c>Signature</c> for
        /// <paramref name="method"/>, the absolute <c>https://</c> <paramref name="url"/> the
        /// request goes to, its <paramref name="contentType"/> and <paramref name="body"/> as
        /// sent. Created now, with a random nonce.</summary>
        /// <param name="method">The HTTP method, e.g. <c>POST</c>.</param>
        /// <param name="url">The absolute URL of the request.</param>
        /// <param name="contentType">The <c>Content-Type</c> header value.</param>
        /// <param name="body">The body as sent (after compression); may be empty, not null.</param>
        /// <returns>The three headers, in order.</returns>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="SigningException">The method or URL cannot be signed.</exception>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public IReadOnlyDictionary<string, string> Sign(string method, string url, string contentType, byte[] body)
        {
            return SignCore(method, url, contentType, body, 0, null, false);
        }

        /// <summary>Like <see cref="Sign(string, string, string, byte[])"/>, but deterministic,
        /// for test vectors: the signature is <paramref name="created"/> (Unix seconds) with
        /// exactly 16 bytes of <paramref name="nonce"/>. Never reuse a nonce in production.</summary>
        /// <param name="method">The HTTP method, e.g. <c>POST</c>.</param>
        /// <param name="url">The absolute URL of the request.</param>
        /// <param name="contentType">The <c>Content-Type</c> header value.</param>
        /// <param name="body">The body as sent; may be empty, not null.</param>
        /// <param name="created">The signature's creation time, Unix seconds (not negative).</param>
        /// <param name="nonce">Exactly 16 bytes.</param>
        /// <returns>The three headers, in order.</returns>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentException">The nonce is not 16 bytes or
        /// <paramref name="created"/> is negative.</exception>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public IReadOnlyDictionary<string, string> Sign(string method, string url, string contentType, byte[] body, long created, byte[] nonce)
        {
            if (nonce == null) throw new ArgumentNullException("nonce");
            if (nonce.Length != 16) throw new ArgumentException("must be exactly 16 bytes, not " + nonce.Length, "nonce");
            if (created < 0) throw new ArgumentOutOfRangeException("created", "must not be negative");
            return SignCore(method, url, contentType, body, created, nonce, true);
        }

        private IReadOnlyDictionary<string, string> SignCore(
            string method, string url, string contentType, byte[] body, long created, byte[] nonce, bool fixedNonce)
        {
            byte[] m = Utf8.Argument(method, "method");
            byte[] u = Utf8.Argument(url, "url");
            byte[] c = Utf8.Argument(contentType, "contentType");
            if (body == null) throw new ArgumentNullException("body");
            NativeApi api = NativeLoader.Api;
            bool added = false;
            try
            {
                IntPtr auth = Borrow(ref added);
                IntPtr list;
                NativeResult result;
                fixed (byte* pm = m, pu = u, pc = c, pb = body, pn = nonce)
                {
                    result = fixedNonce
                        ? api.SignWithNonce(auth, pm, pu, pc, pb, (UIntPtr)body.Length, (ulong)created, pn, out list)
                        : api.Sign(auth, pm, pu, pc, pb, (UIntPtr)body.Length, out list);
                }
                if (result != NativeResult.Ok) throw Errors.For(result, "ContrastAuth.Sign", null);
                return TakeHeaders(api, list, "ContrastAuth.Sign");
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>Sends one report over HTTPS and blocks until the server acknowledges it
        /// (2xx) or the library gives up: <paramref name="path"/> is joined to the handle's
        /// <c>api.url</c>. The request carries both credential layers from one snapshot and is
        /// signed. Network errors, 408, 429 and 5xx are retried with backoff; on 401/403/412
        /// the configuration is reloaded once and the report retried if a key changed.</summary>
        /// <param name="method">The HTTP method, e.g. <c>POST</c>.</param>
        /// <param name="path">Starts with <c>/</c>, may carry a query.</param>
        /// <param name="contentType">The <c>Content-Type</c> header value.</param>
        /// <param name="body">The body; may be empty, not null.</param>
        /// <returns>What the server said.</returns>
        /// <exception cref="CredentialsRejectedException">401, 403 or 412.</exception>
        /// <exception cref="HttpStatusException">Another error status.</exception>
        /// <exception cref="NetworkException">The server could not be reached.</exception>
        /// <exception cref="TlsException">The TLS handshake failed.</exception>
        /// <exception cref="ArgumentException">A bad method or path.</exception>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public SendOutcome Send(string method, string path, string contentType, byte[] body)
        {
            byte[] m = Utf8.Argument(method, "method");
            byte[] p = Utf8.Argument(path, "path");
            byte[] c = Utf8.Argument(contentType, "contentType");
            if (body == null) throw new ArgumentNullException("body");
            return SendEncoded(m, p, c, body);
        }

        private SendOutcome SendEncoded(byte[] method, byte[] path, byte[] contentType, byte[] body)
        {
            NativeApi api = NativeLoader.Api;
            bool added = false;
            try
            {
                IntPtr auth = Borrow(ref added);
                NativeSendOutcome outcome;
                NativeResult result;
                fixed (byte* pm = method, pp = path, pc = contentType, pb = body)
                {
                    result = api.Send(auth, pm, pp, pc, pb, (UIntPtr)body.Length, &outcome);
                }
                if (result != NativeResult.Ok) throw Errors.For(result, "ContrastAuth.Send", Fingerprints);
                return new SendOutcome(outcome);
            }
            finally
            {
                if (added) handle.DangerousRelease();
                // A rejection makes the native side reload the configuration.
                RefreshPairAfterChange();
            }
        }

        /// <summary><see cref="Send"/> on a thread-pool thread. Arguments are checked before
        /// it starts; a token cancelled before the report starts cancels it, a report
        /// already under way runs to its end (it retries for a bounded time).</summary>
        /// <param name="method">The HTTP method, e.g. <c>POST</c>.</param>
        /// <param name="path">Starts with <c>/</c>, may carry a query.</param>
        /// <param name="contentType">The <c>Content-Type</c> header value.</param>
        /// <param name="body">The body; may be empty, not null (copied: the caller may reuse it).</param>
        /// <param name="cancellationToken">Cancels the report if it has not started.</param>
        /// <returns>What the server said; faulted with the exceptions of <see cref="Send"/>.</returns>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public Task<SendOutcome> SendAsync(string method, string path, string contentType, byte[] body, CancellationToken cancellationToken = default(CancellationToken))
        {
            byte[] m = Utf8.Argument(method, "method");
            byte[] p = Utf8.Argument(path, "path");
            byte[] c = Utf8.Argument(contentType, "contentType");
            if (body == null) throw new ArgumentNullException("body");
            ThrowIfDisposed();
            if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<SendOutcome>(cancellationToken);
            byte[] copy = (byte[])body.Clone();
            return Task.Run(() => SendEncoded(m, p, c, copy), cancellationToken);
        }

        /// <summary>Replaces the service key (layer 1), the API key (layer 2), or both (null
        /// keeps that layer; at least one must be given), in one atomic step.</summary>
        /// <param name="serviceKey">The new service key, or null.</param>
        /// <param name="apiKey">The new API key, or null.</param>
        /// <exception cref="ArgumentException">Both are null, or a key is empty or holds a
        /// control character; nothing changed.</exception>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public void Rotate(string serviceKey = null, string apiKey = null)
        {
            if (serviceKey == null && apiKey == null) throw new ArgumentException("nothing to rotate: both serviceKey and apiKey are null");
            byte[] s = Utf8.OptionalArgument(serviceKey, "serviceKey");
            byte[] k = Utf8.OptionalArgument(apiKey, "apiKey");
            NativeApi api = NativeLoader.Api;
            bool added = false;
            try
            {
                IntPtr auth = Borrow(ref added);
                NativeResult result;
                fixed (byte* ps = s, pk = k)
                {
                    result = api.Rotate(auth, ps, pk);
                }
                if (result != NativeResult.Ok) throw Errors.For(result, "ContrastAuth.Rotate", null);
                RefreshPair();
            }
            finally
            {
                Utf8.Wipe(s);
                Utf8.Wipe(k);
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>Re-reads the configuration a <see cref="FromEnvironment(IEnumerable{byte[]})"/>
        /// handle was loaded from (the YAML file; the environment as read at creation) and
        /// switches to it if a key changed.</summary>
        /// <returns>What changed, among <c>user_name</c>, <c>service_key</c>, <c>api_key</c>,
        /// <c>signing_key</c>, <c>url</c> (empty when nothing did, and always for handles
        /// from explicit values or a token).</returns>
        /// <exception cref="ConfigException">The file cannot be read; the credentials in use stay.</exception>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public IReadOnlyCollection<string> Reload()
        {
            NativeApi api = NativeLoader.Api;
            bool added = false;
            try
            {
                IntPtr auth = Borrow(ref added);
                uint changed;
                NativeResult result = api.Reload(auth, out changed);
                if (result != NativeResult.Ok) throw Errors.For(result, "ContrastAuth.Reload", null);
                if (changed != 0) RefreshPair();
                var names = new List<string>();
                for (int bit = 0; bit < KeyNames.Length; bit++)
                {
                    if ((changed & (1u << bit)) != 0) names.Add(KeyNames[bit]);
                }
                return new ReadOnlyCollection<string>(names);
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>The fingerprints of the current credentials and their generation (safe to log).</summary>
        /// <returns>The fingerprints.</returns>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public Fingerprints Fingerprints()
        {
            NativeApi api = NativeLoader.Api;
            bool added = false;
            try
            {
                IntPtr auth = Borrow(ref added);
                NativeFingerprints native;
                NativeResult result = api.Fingerprints(auth, &native);
                if (result != NativeResult.Ok) throw Errors.For(result, "ContrastAuth.Fingerprints", null);
                return new Fingerprints(&native);
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>The handle's running totals (all 0 before the first send). Lock-free: cheap
        /// to call from a metrics thread while others send.</summary>
        /// <returns>The counters.</returns>
        /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
        public Counters Counters()
        {
            NativeApi api = NativeLoader.Api;
            bool added = false;
            try
            {
                IntPtr auth = Borrow(ref added);
                // Room for more fields than this assembly knows: a library with a newer
                // contrast_counters never writes past the buffer.
                ulong* fields = stackalloc ulong[64];
                NativeResult result = api.Counters(auth, fields);
                if (result != NativeResult.Ok) throw Errors.For(result, "ContrastAuth.Counters", null);
                return *(Counters*)fields;
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>Releases the native handle (its credentials are wiped once no report in
        /// flight still uses them). Calling it twice is fine; any other call afterwards throws
        /// <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            handle.Dispose();
            pair = null;
        }

        private void ThrowIfDisposed()
        {
            if (handle.IsClosed) throw new ObjectDisposedException("ContrastAuth");
        }

        /// <summary>The native pointer, kept from release until <c>DangerousRelease</c>.</summary>
        private IntPtr Borrow(ref bool added)
        {
            ThrowIfDisposed();
            try
            {
                handle.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                throw new ObjectDisposedException("ContrastAuth");
            }
            return handle.DangerousGetHandle();
        }

        private static IReadOnlyDictionary<string, string> TakeHeaders(NativeApi api, IntPtr list, string operation)
        {
            try
            {
                int count = checked((int)api.HeadersCount(list).ToUInt64());
                var headers = new HeaderMap(count);
                for (int i = 0; i < count; i++)
                {
                    IntPtr name, value;
                    NativeResult result = api.HeadersGet(list, (UIntPtr)i, out name, out value);
                    if (result != NativeResult.Ok) throw Errors.For(result, operation, null);
                    headers.Add(Utf8.FromNative(name), Utf8.FromNative(value));
                }
                return headers;
            }
            finally
            {
                api.HeadersFree(list); // wipes the library's copies
            }
        }
    }
}
