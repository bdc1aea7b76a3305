package com.contrastsecurity.auth;

/**
 * The server refused the credentials (401, 403 or 412) even after a reload. Carries the HTTP
 * status and the fingerprints (8 hex digits of SHA-256) of the credentials that were sent, which
 * are safe to log.
 */
public final class CredentialsRejectedException extends ContrastAuthException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String userNameFingerprint;
    private final String serviceKeyFingerprint;
    private final String apiKeyFingerprint;
    private final String signingKeyFingerprint;

    /**
     * @param message what to check
     * @param status the HTTP status
     * @param userNameFingerprint fingerprint of the user name sent
     * @param serviceKeyFingerprint fingerprint of the service key sent
     * @param apiKeyFingerprint fingerprint of the API key sent
     * @param signingKeyFingerprint fingerprint of the signing key used
     */
    public CredentialsRejectedException(String message, int status, String userNameFingerprint,
            String serviceKeyFingerprint, String apiKeyFingerprint, String signingKeyFingerprint) {
        super(message);
        this.status = status;
        this.userNameFingerprint = userNameFingerprint;
        this.serviceKeyFingerprint = serviceKeyFingerprint;
        this.apiKeyFingerprint = apiKeyFingerprint;
        this.signingKeyFingerprint = signingKeyFingerprint;
    }

    /** @return the HTTP status (401, 403 or 412) */
    public int status() {
        return status;
    }

    /** @return fingerprint of the user name that was sent */
    public String userNameFingerprint() {
        return userNameFingerprint;
    }

    /** @return fingerprint of the service key (layer 1) that was sent */
    public String serviceKeyFingerprint() {
        return serviceKeyFingerprint;
    }

    /** @return fingerprint of the API key (layer 2) that was sent */
    public String apiKeyFingerprint() {
        return apiKeyFingerprint;
    }

    /** @return fingerprint of the HMAC key the report was signed with */
    public String signingKeyFingerprint() {
        return signingKeyFingerprint;
    }
}
