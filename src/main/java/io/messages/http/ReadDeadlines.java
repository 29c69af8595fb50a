package io.messages.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Ends reads that waited too long. Helidon 4.1.7 does not apply
 * {@code server.connection-options.read-timeout} to the sockets it accepts, so a client that
 * stops sending would hold its connection for ever. Each connection waiting for bytes is listed
 * here with the time it began to wait; one daemon thread looks at the list every
 * {@value #SWEEP_MILLIS} ms and times out those past their limit.
 */
final class ReadDeadlines {
    private static final long SWEEP_MILLIS = 100;
    private static final Set<FramingGuard> WAITING = ConcurrentHashMap.newKeySet();

    static {
        Thread.ofPlatform().name("messages-read-deadlines").daemon(true).start(ReadDeadlines::sweep);
    }

    private ReadDeadlines() {
    }

    /** {@code guard} starts waiting for bytes now. */
    static void waiting(FramingGuard guard) {
        WAITING.add(guard);
    }

    /** {@code guard} stopped waiting (bytes came, or the connection ended). */
    static void done(FramingGuard guard) {
        WAITING.remove(guard);
    }

    private static void sweep() {
        while (true) {
            try {
                TimeUnit.MILLISECONDS.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (FramingGuard guard : WAITING) {
                if (guard.expired(now)) {
                    WAITING.remove(guard);
                    guard.timeOut();
                }
            }
        }
    }
}
