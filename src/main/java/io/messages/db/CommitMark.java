package io.messages.db;

/**
 * Where a database's commits stood at one moment, read without a transaction ({@link Storage#commitMark}).
 * A mark proves only one thing, and only where the database can tell
 * ({@link Storage#unchangedSince}): that nothing was committed after it, by anyone. Opaque
 * otherwise: two marks are never ordered.
 */
public final class CommitMark {
    /** A mark that proves nothing: the database cannot tell (PostgreSQL, or a SQLite file not in WAL mode). */
    public static final CommitMark UNKNOWN = new CommitMark(new long[0]);

    private final long[] words;

    /** A mark of these words (a WAL index header). */
    public CommitMark(long[] words) {
        this.words = words;
    }

    /** Whether it proves anything. */
    public boolean known() {
        return words.length > 0;
    }

    /** One of its words. */
    public long word(int index) {
        return words[index];
    }
}
