package com.contrastsecurity.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Method, URL and content type of a signing request, encoded once as the native side reads
 * them: their UTF-8 back to back in one array. Agents sign to a handful of targets, so
 * {@link ContrastAuth} keeps the last few and reuses one while its three strings are equal.
 */
final class SignTarget {
    final String method;
    final String url;
    final String contentType;
    /** UTF-8 of method, URL and content type, back to back. */
    final byte[] bytes;
    final int methodLength;
    final int urlLength;

    private SignTarget(String method, String url, String contentType) {
        this.method = method;
        this.url = url;
        this.contentType = contentType;
        byte[] m = utf8(method, "method");
        byte[] u = utf8(url, "url");
        byte[] c = utf8(contentType, "contentType");
        bytes = new byte[m.length + u.length + c.length];
        System.arraycopy(m, 0, bytes, 0, m.length);
        System.arraycopy(u, 0, bytes, m.length, u.length);
        System.arraycopy(c, 0, bytes, m.length + u.length, c.length);
        methodLength = m.length;
        urlLength = u.length;
    }

    /** The encoding of these three strings. */
    static SignTarget encode(String method, String url, String contentType) {
        return new SignTarget(method, url, contentType);
    }

    /** Whether this is the target of these three strings. */
    boolean matches(String method, String url, String contentType) {
        return this.url.equals(url) && this.method.equals(method) && this.contentType.equals(contentType);
    }

    /**
     * Strict UTF-8: an unpaired surrogate is an error, not silently replaced by {@code ?} (which
     * would sign a URL other than the one given).
     */
    private static byte[] utf8(String value, String name) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    "contrast-auth: " + name + " is not valid Unicode (it holds an unpaired surrogate)");
        }
    }
}
