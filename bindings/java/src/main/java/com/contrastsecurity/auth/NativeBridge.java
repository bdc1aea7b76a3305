package com.contrastsecurity.auth;

/**
 * The native methods implemented in Rust ({@code src/jni/}), bound by the library's
 * {@code JNI_OnLoad} with {@code RegisterNatives} to this class as loaded (relocated or not).
 * Their signatures use JDK types only ({@code Object} for this package's classes) because the
 * native side cannot know relocated names. Handles are owned by {@link ContrastAuth}, which
 * never passes one that is destroyed or being destroyed.
 */
final class NativeBridge {
    static {
        NativeLibrary.load();
    }

    private NativeBridge() {}

    /** @return the library's version (the crate's), which must equal the jar's */
    static native String version();

    static native long createFromCredentials(String url, String userName, String serviceKey,
            String apiKey) throws ContrastAuthException;

    static native long createFromToken(String token) throws ContrastAuthException;

    /**
     * Configuration from the host's {@code contrast.*} properties, the environment and the YAML
     * file (also under {@code systemConfigDir/java/}; {@code systemConfigDir} null means
     * {@code /etc/contrast}), trusting {@code trustAnchors} (DER) together with
     * {@code api.certificate.ca_file}; {@code clientChain} (DER) and {@code clientKey} (PKCS#8
     * DER), both null or both set, are the client certificate when {@code cert_file} is not
     * configured. The arrays are copied during the call.
     */
    static native long createFromEnvironmentWithTls(String[] keys, String[] values, String systemConfigDir,
            byte[][] trustAnchors, byte[][] clientChain, byte[] clientKey) throws ContrastAuthException;

    static native void destroy(long handle);

    /** @return a {@link HeaderPair} */
    static native Object headers(long handle);

    static native long generation(long handle);

    static native long rotate(long handle, String serviceKey, String apiKey)
            throws ContrastAuthException;

    static native long reload(long handle) throws ContrastAuthException;

    /**
     * Signs now with a fresh nonce. {@code target} holds the UTF-8 of method, URL and content
     * type back to back ({@code methodLength} and {@code urlLength} bytes, then the rest).
     * Writes Content-Digest, Signature-Input and Signature back to back into {@code out} and
     * returns their lengths packed 21 bits each (digest highest); or, if {@code out} is too
     * small, minus the size it needs (nothing written).
     */
    static native long sign(long handle, byte[] target, int methodLength, int urlLength,
            byte[] body, byte[] out);

    /** {@link #sign} with a fixed creation time, nonce and validity (for the test vectors). */
    static native long signWithNonce(long handle, byte[] target, int methodLength, int urlLength,
            byte[] body, long created, byte[] nonce, long validitySeconds, byte[] out);

    /** @return a {@link SendResult} */
    static native Object send(long handle, String method, String path, String contentType,
            byte[] body) throws ContrastAuthException;

    /** The serial number of a live handle (unique, never reused): for lifecycle tests. */
    static native long serial(long handle);

    /** Whether the handle with this serial number is alive (not yet destroyed). */
    static native boolean isLive(long serial);

    static native void panicForTest();

    /** Log records up to {@code maxLevel} (1 = SEVERE .. 5 = FINER; 0 = none) go to {@link NativeLog}. */
    static native void setLogLevel(int maxLevel);

    /** Log records the library could not deliver (a buffer overflow, a missing class). */
    static native long droppedLogRecords();

    /**
     * Acknowledged, failed, requests, retries, reloads, handshakes, rejections, reconnects into
     * {@code out} ({@link Counters#FIELDS} elements).
     */
    static native void counters(long handle, long[] out);
}
