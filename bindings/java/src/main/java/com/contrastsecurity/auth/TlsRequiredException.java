package com.contrastsecurity.auth;

/** {@code api.url} is not {@code https://}: credentials only travel over TLS. */
public final class TlsRequiredException extends InvalidConfigurationException {
    private static final long serialVersionUID = 1L;

    /** @param message the scheme that was given */
    public TlsRequiredException(String message) {
        super(message);
    }
}
