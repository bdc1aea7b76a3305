package com.contrastsecurity.auth;

import java.time.Duration;
import java.util.Arrays;

/** A report the server acknowledged. Immutable. */
public final class SendResult {
    private final int status;
    private final int attempts;
    private final String reportId;
    private final long elapsedNanos;
    private final long generation;
    private final boolean reloaded;
    private final byte[] body;

    SendResult(int status, int attempts, String reportId, long elapsedNanos, long generation,
            boolean reloaded, byte[] body) {
        this.status = status;
        this.attempts = attempts;
        this.reportId = reportId;
        this.elapsedNanos = elapsedNanos;
        this.generation = generation;
        this.reloaded = reloaded;
        this.body = body;
    }

    /** @return the 2xx status */
    public int status() {
        return status;
    }

    /** @return requests made (1 when the first succeeded) */
    public int attempts() {
        return attempts;
    }

    /** @return the {@code X-Contrast-Report-Id} sent with every attempt */
    public String reportId() {
        return reportId;
    }

    /** @return time from the call to the acknowledgement */
    public Duration elapsed() {
        return Duration.ofNanos(elapsedNanos);
    }

    /** @return the generation of the credentials that were accepted */
    public long generation() {
        return generation;
    }

    /** @return whether credentials were reloaded because the server refused a key */
    public boolean reloaded() {
        return reloaded;
    }

    /** @return a copy of the response body */
    public byte[] body() {
        return Arrays.copyOf(body, body.length);
    }

    @Override
    public String toString() {
        return "SendResult[status=" + status + ", attempts=" + attempts + ", reportId=" + reportId
                + ", generation=" + generation + ", reloaded=" + reloaded + "]";
    }
}
