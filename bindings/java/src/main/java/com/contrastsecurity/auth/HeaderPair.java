package com.contrastsecurity.auth;

/** Both header values of one native snapshot and its generation: never a mixed pair. */
final class HeaderPair {
    final String authorization;
    final String apiKey;
    final long generation;

    HeaderPair(String authorization, String apiKey, long generation) {
        this.authorization = authorization;
        this.apiKey = apiKey;
        this.generation = generation;
    }

    @Override
    public String toString() {
        return "HeaderPair[generation=" + generation + ", values redacted]";
    }
}
