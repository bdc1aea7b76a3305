package com.contrastsecurity.auth;

/** A configuration value or credential is missing or invalid (names the key, never the value). */
public class InvalidConfigurationException extends ContrastAuthException {
    private static final long serialVersionUID = 1L;

    /** @param message which key is wrong and why */
    public InvalidConfigurationException(String message) {
        super(message);
    }
}
