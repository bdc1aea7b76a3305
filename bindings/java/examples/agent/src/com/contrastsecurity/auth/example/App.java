package com.contrastsecurity.auth.example;

/** The instrumented application: runs after the agent's premain. */
public final class App {
    private App() {}

    /** @param args unused */
    public static void main(String[] args) {
        System.out.println("application: running");
    }
}
