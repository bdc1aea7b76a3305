package com.contrastsecurity.auth;

/**
 * A report was not acknowledged: the server could not be reached, TLS failed, it timed out, or
 * the server kept answering with an error status.
 */
public final class NetworkException extends ContrastAuthException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final int status;

    /**
     * @param message what failed (no secrets)
     * @param kind {@code network}, {@code tls}, {@code timeout}, {@code status} or {@code signing}
     * @param status the last HTTP status, or 0 when there was no response
     */
    public NetworkException(String message, String kind, int status) {
        super(message);
        this.kind = kind;
        this.status = status;
    }

    /** @return the kind of failure: network, tls, timeout, status or signing */
    public String kind() {
        return kind;
    }

    /** @return the last HTTP status, or 0 when there was no response */
    public int status() {
        return status;
    }
}
