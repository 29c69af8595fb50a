package io.messages.listing;

import java.nio.charset.StandardCharsets;

import io.messages.db.Engine;
import io.messages.db.Query;
import io.messages.db.Read;
import io.messages.db.RowVisitor;

import org.jspecify.annotations.Nullable;

/**
 * How the listing's statements give their rows: the listing's version (a row with a negative
 * id, {@code changes:rest}), then messages, oldest first, each appended as stored to a
 * {@link ListingBuffer}. Read outside the request's transaction, in a short one of their own.
 */
final class ListingRows {
    private ListingRows() {
    }

    /**
     * Appends messages to {@code out} as the listing writes them: each one's UTF-8 bytes as
     * stored, preceded by a newline unless it is the listing's first ({@code first}), while
     * {@code out} stays within {@code limit} bytes (the first message is taken whatever its size),
     * until none are left. Read by
     * {@code select-messages-after} (every message with an id above {@code after}, oldest first)
     * in a short transaction of its own ({@link Engine#read}), not the request's.
     *
     * @return the id of the last message appended ({@code after} if none), and whether none is left
     */
    static Appended appendAfter(Engine engine, long after, boolean first, ListingBuffer out, long limit) {
        Appender appender = new Appender(out, first, limit);
        boolean complete = engine.read(Read.of("select-messages-after", after, Long.MAX_VALUE), appender);
        return new Appended(null, appender.count, appender.firstId, appender.lastId == 0 ? after : appender.lastId,
                            complete);
    }

    /**
     * Like {@link #appendAfter}, from the first message, after the listing's version
     * ({@code select-listing-version}, {@link Version}) read in the same snapshot: where the
     * database stood when the messages were read. Two queries, not one: PostgreSQL sorts a union
     * whole before its first row (1,000,000 messages: 45 MB sorted on disk), where a query of the
     * messages alone walks the primary key's index.
     *
     * @return what was appended, and the version
     */
    static Appended appendListing(Engine engine, boolean first, ListingBuffer out, long limit) {
        Appender appender = new Appender(out, first, limit);
        return appender.appended(engine.read(Read.inOneSnapshot(Query.of("select-listing-version"),
                                                                    Query.of("select-messages-after", 0L, Long.MAX_VALUE)),
                                                 appender),
                                 "select-listing-version");
    }

    /**
     * Like {@link #appendListing}, by one of the listing's checks ({@code statement}), read as a
     * small, frequent read ({@link Read#small}): it runs before every listing served from memory.
     *
     * @return what was appended, and the version
     */
    static Appended checkListing(Engine engine, String statement, boolean first, ListingBuffer out, long limit,
                          Object... parameters) {
        Appender appender = new Appender(out, first, limit);
        return appender.appended(engine.read(Read.small(statement, parameters), appender), statement);
    }

    /**
     * Where the messages stood when a listing was read, as the database's {@code listing_version}
     * view writes it ({@code changes:rest}).
     *
     * @param changes updates and deletes of messages so far
     * @param rest    what else tells the state: the count of inserts (SQLite), the snapshot
     *                (PostgreSQL, as {@code pg_current_snapshot()} writes it)
     */
    record Version(long changes, String rest) {
        static Version parse(String token) {
            int colon = token.indexOf(':');
            return new Version(Long.parseLong(token.substring(0, colon)), token.substring(colon + 1));
        }
    }

    /**
     * What an append read.
     *
     * @param version  the listing's version, when the statement gives one
     * @param count    how many messages were appended
     * @param firstId  the id of the first appended (0 if none)
     * @param lastId   the id of the last appended (0, or the starting id, if none)
     * @param complete whether no message was left unread
     */
    record Appended(@Nullable Version version, int count, long firstId, long lastId, boolean complete) {
    }

    // Takes the rows of a listing statement: the version row (a negative id), then messages.
    private static final class Appender implements RowVisitor {
        private final ListingBuffer out;
        private final long limit;
        private boolean separate;
        private @Nullable Version version;
        private int count;
        private long firstId;
        private long lastId;

        private Appender(ListingBuffer out, boolean first, long limit) {
            this.out = out;
            this.separate = !first;
            this.limit = limit;
        }

        Appended appended(boolean complete, String statement) {
            if (version == null) {
                throw new IllegalStateException(statement + " returned no listing version");
            }
            return new Appended(version, count, firstId, lastId, complete);
        }

        @Override
        public boolean row(long id, byte[] value) {
            if (id < 0) {
                version = Version.parse(new String(value, StandardCharsets.US_ASCII));
                return true;
            }
            int separator = separate ? 1 : 0;
            if (count > 0 && out.size() + separator + value.length > limit) {
                // Not taken: the next read begins after lastId, with this message.
                return false;
            }
            if (separate) {
                out.add((byte) '\n');
            }
            out.add(value);
            separate = true;
            if (count++ == 0) {
                firstId = id;
            }
            lastId = id;
            return true;
        }
    }
}
