package io.messages.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Ends reads that waited too long. Helidon 4.1.7 does not apply
 * {@code server.connection-options.read-timeout} to the sockets it accepts, so a client that
 * stops sending would hold its connection for ever. Every open connection is listed here; one
 * daemon thread looks at the list every {@value #SWEEP_MILLIS} ms, times out those that have
 * waited for bytes past their limit, and forgets those that were closed.
 */
final class ReadDeadlines {
    private static final long SWEEP_MILLIS = 100;
    private static final Set<FramingGuard> WATCHED = ConcurrentHashMap.newKeySet();

    static {
        Thread.ofPlatform().name("messages-read-deadlines").daemon(true).start(ReadDeadlines::sweep);
    }

    private ReadDeadlines() {
    }

    /** Watches the reads of {@code guard}'s connection until it is closed. */
    static void watch(FramingGuard guard) {
        WATCHED.add(guard);
    }

    private static void sweep() {
        while (true) {
            try {
                TimeUnit.MILLISECONDS.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (FramingGuard guard : WATCHED) {
                if (!guard.open()) {
                    WATCHED.remove(guard);
                } else if (guard.expired(now)) {
                    WATCHED.remove(guard);
                    guard.timeOut();
                }
            }
        }
    }
}
