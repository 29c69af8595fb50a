package io.messages.db;

import java.util.ArrayList;
import java.util.List;

/**
 * The one walk along an exception's causes, for every question asked of a failure (is the
 * database unavailable, is the disk full, what is the root's message): at most {@value #DEPTH}
 * deep and safe on a cycle. Suppressed exceptions (a rollback that failed after the real
 * failure) are not on it: they do not decide.
 */
public final class Causes {
    private static final int DEPTH = 16;

    private Causes() {
    }

    /** {@code failure}, then its cause, its cause's cause, and so on. */
    public static List<Throwable> of(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && chain.size() < DEPTH && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The innermost cause of {@code failure} (itself if it has none). */
    public static Throwable root(Throwable failure) {
        return of(failure).getLast();
    }
}
