package com.contrastsecurity.auth;

/**
 * The native methods implemented in Rust ({@code src/jni/}). Handles are owned by
 * {@link ContrastAuth}, which never passes one that is destroyed or being destroyed.
 */
final class NativeBridge {
    static {
        NativeLibrary.load();
    }

    private NativeBridge() {}

    static native long createFromCredentials(String url, String userName, String serviceKey,
            String apiKey) throws ContrastAuthException;

    static native long createFromToken(String token) throws ContrastAuthException;

    static native long createFromEnvironment(String[] keys, String[] values)
            throws ContrastAuthException;

    static native void destroy(long handle);

    static native HeaderPair headers(long handle);

    static native long generation(long handle);

    static native long rotate(long handle, String serviceKey, String apiKey)
            throws ContrastAuthException;

    static native long reload(long handle) throws ContrastAuthException;

    /** Returns Content-Digest, Signature-Input and Signature, one per line. */
    static native String sign(long handle, String method, String url, String contentType,
            byte[] body);

    static native String signWithNonce(long handle, String method, String url,
            String contentType, byte[] body, long created, byte[] nonce, long validitySeconds);

    static native SendResult send(long handle, String method, String path, String contentType,
            byte[] body) throws ContrastAuthException;

    static native void panicForTest();
}
