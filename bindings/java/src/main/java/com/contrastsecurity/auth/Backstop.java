package com.contrastsecurity.auth;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a release action once its owner is unreachable, if {@link Cleanable#clean()} was not
 * called first: a {@link PhantomReference} per owner and one daemon thread waiting on their
 * queue (what {@code java.lang.ref.Cleaner} does from Java 9 on; this jar runs on Java 8).
 * The action must not refer to the owner, or the owner never becomes unreachable.
 */
final class Backstop {
    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<Object>();
    /** Keeps registered references reachable until they are cleaned. */
    private static final Set<Cleanable> PENDING =
            Collections.newSetFromMap(new ConcurrentHashMap<Cleanable, Boolean>());
    private static Thread thread;

    private Backstop() {}

    /** One registration: the owner's phantom reference and its release action. */
    static final class Cleanable extends PhantomReference<Object> {
        private final Runnable action;

        Cleanable(Object owner, Runnable action) {
            super(owner, QUEUE);
            this.action = action;
        }

        /** Runs the action now unless it already ran (from here or from the backstop thread). */
        void clean() {
            if (PENDING.remove(this)) {
                clear();
                action.run();
            }
        }
    }

    /**
     * Registers {@code action} to run when {@code owner} becomes unreachable.
     *
     * @param owner the object whose reachability is watched
     * @param action the release action (holding no reference to {@code owner})
     * @return the registration, to run the action early with {@link Cleanable#clean()}
     */
    static Cleanable register(Object owner, Runnable action) {
        Cleanable cleanable = new Cleanable(owner, action);
        PENDING.add(cleanable);
        startThread();
        return cleanable;
    }

    private static synchronized void startThread() {
        if (thread != null) {
            return;
        }
        thread = new Thread(new Runnable() {
            @Override
            public void run() {
                drain();
            }
        }, "contrast-auth-backstop");
        thread.setDaemon(true);
        // Holds no application class loader alive.
        thread.setContextClassLoader(null);
        thread.start();
    }

    private static void drain() {
        while (true) {
            try {
                ((Cleanable) QUEUE.remove()).clean();
            } catch (InterruptedException e) {
                // A daemon thread of this library: interruption does not stop the backstop.
            } catch (RuntimeException e) {
                // One failed release does not stop the others.
            }
        }
    }
}
