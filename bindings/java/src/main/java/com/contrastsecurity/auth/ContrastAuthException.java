package com.contrastsecurity.auth;

/** Base of the checked exceptions of contrast-auth. Messages never contain a secret. */
public class ContrastAuthException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong (no secrets) */
    public ContrastAuthException(String message) {
        super(message);
    }
}
