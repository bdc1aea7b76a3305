package com.contrastsecurity.example.app;

/** The instrumented application: its class path has no contrast-auth; runs after premain. */
public final class App {
    private App() {}

    /** @param args unused */
    public static void main(String[] args) {
        try {
            Class.forName("com.contrastsecurity.auth.ContrastAuth");
            System.out.println("application: sees com.contrastsecurity.auth");
        } catch (ClassNotFoundException e) {
            System.out.println("application: no com.contrastsecurity.auth on its class path");
        }
        System.out.println("application: running");
    }
}
