package com.contrastsecurity.auth;

/**
 * Running totals of the reports sent through one {@link ContrastAuth}, read from atomic
 * counters in the library without a lock (each field only grows). Immutable.
 */
public final class Counters {
    /** The number of counters the native library writes (the length of the array it fills). */
    static final int FIELDS = 8;

    private final long acknowledged;
    private final long failed;
    private final long requests;
    private final long retries;
    private final long reloads;
    private final long handshakes;
    private final long rejections;
    private final long reconnects;

    Counters(long[] values) {
        this.acknowledged = values[0];
        this.failed = values[1];
        this.requests = values[2];
        this.retries = values[3];
        this.reloads = values[4];
        this.handshakes = values[5];
        this.rejections = values[6];
        this.reconnects = values[7];
    }

    /** @return reports the server acknowledged */
    public long acknowledged() {
        return acknowledged;
    }

    /** @return reports that ended in an error */
    public long failed() {
        return failed;
    }

    /** @return requests made, retries included */
    public long requests() {
        return requests;
    }

    /** @return requests that were retries */
    public long retries() {
        return retries;
    }

    /** @return credential reloads after the server refused a key */
    public long reloads() {
        return reloads;
    }

    /** @return new connections, each with a TLS handshake */
    public long handshakes() {
        return handshakes;
    }

    /** @return responses refusing the credentials (401, 403, 412) */
    public long rejections() {
        return rejections;
    }

    /**
     * @return failures on a reused keep-alive connection (closed by the server while idle)
     *     that were sent again at once on a fresh connection, not counted as attempts
     */
    public long reconnects() {
        return reconnects;
    }

    @Override
    public String toString() {
        return "Counters{acknowledged=" + acknowledged + ", failed=" + failed + ", requests="
                + requests + ", retries=" + retries + ", reloads=" + reloads + ", handshakes="
                + handshakes + ", rejections=" + rejections + ", reconnects=" + reconnects + "}";
    }
}
