package com.contrastsecurity.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Contrast agent authentication: both credential layers ({@code Authorization} and
 * {@code API-Key}), hot key rotation, signed reports and sending them over TLS, done once in
 * the native contrast-auth library.
 *
 * <p>Thread-safe. Header reads are plain Java field reads: the two values are cached as one
 * immutable pair and replaced when the native credential snapshot changes (rotation, reload,
 * or a reload during {@link #send}), so a caller never sees a new API key with an old service
 * key through {@link #headers()}.
 *
 * <p>Close it when done; a phantom-reference backstop releases the native side if it is forgotten.
 */
public final class ContrastAuth implements AutoCloseable {
    /** The header carrying base64 of {@code user_name:service_key}. */
    public static final String AUTHORIZATION = "Authorization";
    /** The header carrying the organization API key. */
    public static final String API_KEY = "API-Key";
    /** The RFC 9530 digest header of a signed report. */
    public static final String CONTENT_DIGEST = "Content-Digest";
    /** The RFC 9421 signature parameters header. */
    public static final String SIGNATURE_INPUT = "Signature-Input";
    /** The RFC 9421 signature header. */
    public static final String SIGNATURE = "Signature";
    /** The prefix of the system properties read by {@link #fromEnvironment(Map)}. */
    public static final String PROPERTY_PREFIX = "contrast.";
    /** The binding's own settings (e.g. {@code contrast.auth.library}): not configuration keys. */
    static final String BINDING_PROPERTY_PREFIX = "contrast.auth.";
    /**
     * Replaces {@code /etc/contrast} as the last directories searched for the YAML file (for
     * tests; the JVM agent's directory is then {@code <dir>/java/}).
     */
    static final String SYSTEM_CONFIG_DIR_PROPERTY = "contrast.auth.system_config_dir";

    private final Handle handle;
    private final Backstop.Cleanable cleanable;
    private final AtomicReference<HeaderPair> headers;
    /** The last few signing targets, replaced round robin (agents report to a few endpoints). */
    private final AtomicReferenceArray<SignTarget> recentTargets = new AtomicReferenceArray<SignTarget>(RECENT_TARGETS);
    private final AtomicInteger nextTarget = new AtomicInteger();
    private static final int RECENT_TARGETS = 4;

    /** Bits per length in the packed result of {@code NativeBridge.sign}. */
    private static final int PACKED_LENGTH_BITS = 21;
    private static final long PACKED_LENGTH_MASK = (1L << PACKED_LENGTH_BITS) - 1;
    /** Per-thread output buffer of the native signer (grown for very long user names). */
    private static final ThreadLocal<byte[]> SIGN_BUFFER = ThreadLocal.withInitial(() -> new byte[1024]);

    /** The native handle and the lock that keeps it alive during calls (no reference to the owner). */
    private static final class Handle implements Runnable {
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private long value;

        Handle(long value) {
            this.value = value;
        }

        /** Takes the read lock and returns the live handle, or throws if closed. */
        long acquire() {
            lock.readLock().lock();
            if (value == 0) {
                lock.readLock().unlock();
                throw new IllegalStateException("contrast-auth: this ContrastAuth is closed");
            }
            return value;
        }

        void release() {
            lock.readLock().unlock();
        }

        /** Destroys the native side (runs once, from close() or the backstop). */
        @Override
        public void run() {
            lock.writeLock().lock();
            try {
                long h = value;
                value = 0;
                NativeBridge.destroy(h);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    private ContrastAuth(long nativeHandle) {
        this.handle = new Handle(nativeHandle);
        this.cleanable = Backstop.register(this, handle);
        this.headers = new AtomicReference<>((HeaderPair) NativeBridge.headers(nativeHandle));
    }

    /**
     * Credentials given directly by the host program.
     *
     * @param url the Contrast URL including {@code /Contrast}; must be {@code https://}
     * @param userName the agent user name
     * @param serviceKey the service key (layer 1)
     * @param apiKey the organization API key (layer 2)
     * @return a new instance
     * @throws TlsRequiredException if the URL is not https
     * @throws InvalidConfigurationException if a value is empty or holds CR, LF or controls
     */
    public static ContrastAuth fromCredentials(String url, String userName, String serviceKey,
            String apiKey) throws ContrastAuthException {
        NativeLibrary.load();
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(serviceKey, "serviceKey");
        Objects.requireNonNull(apiKey, "apiKey");
        NativeLog.refresh();
        return new ContrastAuth(NativeBridge.createFromCredentials(url, userName, serviceKey, apiKey));
    }

    /**
     * Credentials from an agent token ({@code api.token}: base64 of a JSON object).
     *
     * @param token the agent token
     * @return a new instance
     * @throws InvalidConfigurationException if the token is malformed (never quoted)
     */
    public static ContrastAuth fromToken(String token) throws ContrastAuthException {
        NativeLibrary.load();
        Objects.requireNonNull(token, "token");
        NativeLog.refresh();
        return new ContrastAuth(NativeBridge.createFromToken(token));
    }

    /**
     * Configuration as a Contrast agent reads it: the host's {@code contrast.*} system
     * properties (e.g. {@code contrast.api.api_key}) above the {@code CONTRAST__*} environment,
     * above {@code contrast_security.yaml}: the file named by {@code contrast.config.path} (or
     * else {@code CONTRAST_CONFIG_PATH}), or else found in the working directory,
     * {@code /etc/contrast/java/} or {@code /etc/contrast/}. {@link #reload()} re-reads the
     * environment and file.
     *
     * <p>TLS as the JVM does it: reports trust what this JVM trusts (the default
     * {@code TrustManagerFactory}: {@code javax.net.ssl.trustStore*}, or the JDK's
     * {@code cacerts}) together with {@code api.certificate.ca_file}, and present the client
     * certificate of {@code javax.net.ssl.keyStore} (PKCS12, {@code javax.net.ssl.keyStorePassword})
     * when {@code api.certificate.cert_file} is not configured. Both are read once, here.
     *
     * @param systemProperties the host's system properties; keys without the {@code contrast.}
     *     prefix, and the binding's own {@code contrast.auth.*} settings, are ignored
     * @return a new instance
     * @throws InvalidConfigurationException if a required key is missing or a value is invalid,
     *     or the JVM's trust store or key store cannot be read
     */
    public static ContrastAuth fromEnvironment(Map<String, String> systemProperties)
            throws ContrastAuthException {
        NativeLibrary.load();
        Objects.requireNonNull(systemProperties, "systemProperties");
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> e : systemProperties.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "system property name");
            if (key.startsWith(PROPERTY_PREFIX) && !key.startsWith(BINDING_PROPERTY_PREFIX)) {
                keys.add(key);
                values.add(Objects.requireNonNull(e.getValue(), key));
            }
        }
        NativeLog.refresh();
        JvmTls tls = JvmTls.read();
        try {
            return new ContrastAuth(NativeBridge.createFromEnvironmentWithTls(
                    keys.toArray(new String[0]), values.toArray(new String[0]),
                    System.getProperty(SYSTEM_CONFIG_DIR_PROPERTY),
                    tls.trustAnchors, tls.clientChain, tls.clientKey));
        } finally {
            tls.wipe();
        }
    }

    /**
     * {@link #fromEnvironment(Map)} with this JVM's system properties.
     *
     * @return a new instance
     * @throws InvalidConfigurationException if a required key is missing or a value is invalid
     */
    public static ContrastAuth fromEnvironment() throws ContrastAuthException {
        Properties properties = System.getProperties();
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                map.put(name, properties.getProperty(name));
            }
        }
        return fromEnvironment(map);
    }

    private HeaderPair pair() {
        HeaderPair pair = headers.get();
        if (pair == null) {
            throw new IllegalStateException("contrast-auth: this ContrastAuth is closed");
        }
        return pair;
    }

    /** Installs the native side's current pair unless a newer one is already cached. */
    private void refresh(long nativeHandle) {
        HeaderPair fresh = (HeaderPair) NativeBridge.headers(nativeHandle);
        while (true) {
            HeaderPair cached = headers.get();
            if (cached == null || cached.generation >= fresh.generation) {
                return;
            }
            if (headers.compareAndSet(cached, fresh)) {
                return;
            }
        }
    }

    /** @return the {@code Authorization} value: base64 of {@code user_name:service_key} */
    public String authorizationHeader() {
        return pair().authorization;
    }

    /** @return the {@code API-Key} value */
    public String apiKeyHeader() {
        return pair().apiKey;
    }

    /**
     * Both header values from one snapshot (use this when a rotation may happen concurrently).
     *
     * @return an unmodifiable map of {@code Authorization} and {@code API-Key}
     */
    public Map<String, String> headers() {
        HeaderPair pair = pair();
        Map<String, String> map = new LinkedHashMap<>(4);
        map.put(AUTHORIZATION, pair.authorization);
        map.put(API_KEY, pair.apiKey);
        return Collections.unmodifiableMap(map);
    }

    /** @return the generation of the cached credentials: 1, plus one per change */
    public long generation() {
        return pair().generation;
    }

    /**
     * Signs a report (RFC 9421 HMAC-SHA256 over an RFC 9530 {@code Content-Digest}). Safe to call
     * from many threads. The last few (method, URL, content type) targets are kept encoded, and
     * the native side keeps their part of the signature prepared, so repeated reports to the same
     * endpoints cost little beyond hashing the body.
     *
     * @param method the request method, e.g. {@code POST}
     * @param url the absolute https URL the report goes to
     * @param contentType the {@code Content-Type} value
     * @param body the body as sent (read in place, not copied)
     * @return an unmodifiable map of {@code Content-Digest}, {@code Signature-Input}, {@code Signature},
     *     in that order
     * @throws IllegalArgumentException if the method, URL or content type cannot be signed (not an
     *     HTTP token, not https, a control character, an unpaired surrogate)
     */
    public Map<String, String> sign(String method, String url, String contentType, byte[] body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        SignTarget target = target(method, url, contentType);
        long h = handle.acquire();
        try {
            byte[] out = SIGN_BUFFER.get();
            long packed = NativeBridge.sign(h, target.bytes, target.methodLength, target.urlLength, body, out);
            if (packed < 0) {
                out = growSignBuffer(packed);
                packed = NativeBridge.sign(h, target.bytes, target.methodLength, target.urlLength, body, out);
            }
            return signatureMap(out, packed);
        } finally {
            handle.release();
        }
    }

    /** Deterministic signing for the shared test vectors (fixed time and nonce). */
    Map<String, String> signWithNonce(String method, String url, String contentType, byte[] body,
            long created, byte[] nonce, long validitySeconds) {
        SignTarget target = target(method, url, contentType);
        long h = handle.acquire();
        try {
            byte[] out = SIGN_BUFFER.get();
            long packed = NativeBridge.signWithNonce(h, target.bytes, target.methodLength,
                    target.urlLength, body, created, nonce, validitySeconds, out);
            if (packed < 0) {
                out = growSignBuffer(packed);
                packed = NativeBridge.signWithNonce(h, target.bytes, target.methodLength,
                        target.urlLength, body, created, nonce, validitySeconds, out);
            }
            return signatureMap(out, packed);
        } finally {
            handle.release();
        }
    }

    /** The cached encoding of this target if it is a recent one, else a new (cached) one. */
    private SignTarget target(String method, String url, String contentType) {
        for (int i = 0; i < RECENT_TARGETS; i++) {
            SignTarget recent = recentTargets.get(i);
            if (recent != null && recent.matches(method, url, contentType)) {
                return recent;
            }
        }
        SignTarget target = SignTarget.encode(method, url, contentType);
        recentTargets.set(Math.floorMod(nextTarget.getAndIncrement(), RECENT_TARGETS), target);
        return target;
    }

    /** A larger per-thread output buffer: {@code packed} is minus the size the native side needs. */
    private static byte[] growSignBuffer(long packed) {
        byte[] out = new byte[Math.toIntExact(-packed)];
        SIGN_BUFFER.set(out);
        return out;
    }

    /**
     * The three values the native side wrote back to back into {@code out}; {@code packed} holds
     * their lengths, 21 bits each (Content-Digest, Signature-Input, Signature). They are
     * printable ASCII, so ISO-8859-1 decodes them exactly (and fastest).
     */
    private static Map<String, String> signatureMap(byte[] out, long packed) {
        if (packed < 0) {
            throw new IllegalStateException("contrast-auth: the signature headers did not fit the buffer sized for them");
        }
        int signatureLength = (int) (packed & PACKED_LENGTH_MASK);
        int inputLength = (int) ((packed >>> PACKED_LENGTH_BITS) & PACKED_LENGTH_MASK);
        int digestLength = (int) (packed >>> (2 * PACKED_LENGTH_BITS));
        Map<String, String> map = new SignatureHeaderMap(
                new String(out, 0, digestLength, StandardCharsets.ISO_8859_1),
                new String(out, digestLength, inputLength, StandardCharsets.ISO_8859_1),
                new String(out, digestLength + inputLength, signatureLength, StandardCharsets.ISO_8859_1));
        // The keyid holds the user name: the per-thread buffer keeps no copy.
        Arrays.fill(out, 0, digestLength + inputLength + signatureLength, (byte) 0);
        return map;
    }

    /**
     * Replaces one or both credential layers atomically, without a restart.
     *
     * @param serviceKey the new service key, or null to keep it
     * @param apiKey the new API key, or null to keep it
     * @throws InvalidConfigurationException if a new value is empty or holds CR, LF or controls
     */
    public void rotate(String serviceKey, String apiKey) throws ContrastAuthException {
        long h = handle.acquire();
        try {
            NativeBridge.rotate(h, serviceKey, apiKey);
            refresh(h);
        } finally {
            handle.release();
        }
    }

    /**
     * Re-reads the configuration sources (for {@link #fromEnvironment}); changes keys only if
     * one changed. Does nothing for credentials given directly.
     *
     * @throws InvalidConfigurationException if the sources are now invalid (keys unchanged)
     */
    public void reload() throws ContrastAuthException {
        long h = handle.acquire();
        try {
            NativeBridge.reload(h);
            refresh(h);
        } finally {
            handle.release();
        }
    }

    /**
     * Sends one report over TLS with both layers (signed) and waits for the acknowledgement;
     * retries transient failures, reloads credentials once if the server refuses them.
     *
     * @param method the request method, e.g. {@code POST}
     * @param path the path (and query) joined to {@code api.url}
     * @param contentType the {@code Content-Type} value
     * @param body the report body
     * @return the acknowledgement
     * @throws CredentialsRejectedException on 401, 403 or 412 after a reload
     * @throws NetworkException if the server could not be reached or kept failing
     * @throws IllegalArgumentException if the method, path or content type is invalid
     */
    public SendResult send(String method, String path, String contentType, byte[] body)
            throws ContrastAuthException {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        long h = handle.acquire();
        try {
            return (SendResult) NativeBridge.send(h, method, path, contentType, body);
        } finally {
            // A refused key may have been reloaded inside send: pick up the new pair.
            refresh(h);
            handle.release();
        }
    }

    /**
     * Running totals of the reports sent through this instance (all 0 before the first
     * {@link #send}), read without locks.
     *
     * @return the counters now
     */
    public Counters counters() {
        long h = handle.acquire();
        try {
            long[] values = new long[Counters.FIELDS];
            NativeBridge.counters(h, values);
            return new Counters(values);
        } finally {
            handle.release();
        }
    }

    /**
     * Tells the native library the level of the {@code com.contrastsecurity.auth} logger, so
     * it produces exactly the records that logger takes. Done whenever an instance is
     * created; call it after changing that logger's level. Records go to
     * {@code java.util.logging.Logger.getLogger("com.contrastsecurity.auth")} with the event
     * name as their parameter; ERROR is SEVERE, WARN is WARNING, INFO is INFO, DEBUG is FINE,
     * TRACE is FINER.
     */
    public static void refreshLogLevel() {
        NativeLog.refresh();
    }

    /** The serial number of the native handle (lifecycle tests: {@link NativeBridge#isLive}). */
    long nativeSerial() {
        long h = handle.acquire();
        try {
            return NativeBridge.serial(h);
        } finally {
            handle.release();
        }
    }

    /** Releases the native side. Idempotent; later calls throw {@link IllegalStateException}. */
    @Override
    public synchronized void close() {
        headers.set(null);
        cleanable.clean();
    }

    @Override
    public String toString() {
        HeaderPair pair = headers.get();
        return pair == null ? "ContrastAuth[closed]" : "ContrastAuth[generation=" + pair.generation + "]";
    }
}
