package com.contrastsecurity.auth;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The native library's log records in {@code java.util.logging}: every record goes to
 * {@code Logger.getLogger("com.contrastsecurity.auth")} with the event name (for example
 * {@code config.unknown_key}, {@code transport.retry}) as its only parameter. Levels: ERROR
 * is SEVERE, WARN is WARNING, INFO is INFO, DEBUG is FINE, TRACE is FINER. Records never hold
 * a secret.
 *
 * <p>The library produces only the records this logger would take: it is told the logger's
 * level whenever a {@link ContrastAuth} is created and by
 * {@link ContrastAuth#refreshLogLevel()}. Records made during a native call are delivered on
 * the calling thread when that call returns (never inside a JNI critical region).
 */
final class NativeLog {
    /** The logger every record goes to. */
    static final String LOGGER_NAME = "com.contrastsecurity.auth";

    static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);

    /** The JUL level of each library level (index 1 = ERROR .. 5 = TRACE). */
    private static final Level[] LEVELS = {
        Level.OFF, Level.SEVERE, Level.WARNING, Level.INFO, Level.FINE, Level.FINER
    };

    private NativeLog() {}

    /** The most detailed library level the logger takes now (0: none). */
    static int nativeLevel() {
        for (int level = LEVELS.length - 1; level >= 1; level--) {
            if (LOGGER.isLoggable(LEVELS[level])) {
                return level;
            }
        }
        return 0;
    }

    /** Tells the library the logger's current level. */
    static void refresh() {
        NativeBridge.setLogLevel(nativeLevel());
    }

    /** Called by the library (at the end of a native call) for each record. Never throws. */
    static void publish(int level, String event, String message) {
        try {
            Level julLevel = level >= 1 && level < LEVELS.length ? LEVELS[level] : Level.SEVERE;
            if (!LOGGER.isLoggable(julLevel)) {
                return;
            }
            LogRecord record = new LogRecord(julLevel, message);
            record.setLoggerName(LOGGER_NAME);
            record.setParameters(new Object[] {event});
            LOGGER.log(record);
        } catch (Throwable ignored) {
            // A failing handler must not break the library call that produced the record.
        }
    }
}
