package io.messages.message;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import io.helidon.dbclient.DbRow;
import io.messages.db.Engine;
import io.messages.db.RequestTransaction;

/**
 * The messages table, through the named statements of {@code db.statements}. Knows SQL names,
 * nothing of HTTP.
 */
public final class MessageStore {

    /**
     * Every stored message, oldest first.
     *
     * @param tx the request's transaction
     * @return the messages in insertion order
     */
    public List<String> list(RequestTransaction tx) {
        try (Stream<String> values = stream(tx)) {
            return values.toList();
        }
    }

    /**
     * Every stored message, oldest first, read from the database as the stream is consumed.
     * The caller closes the stream.
     *
     * @param tx the request's transaction
     * @return the messages in insertion order
     */
    public Stream<String> stream(RequestTransaction tx) {
        return streamAfter(tx, 0).map(Message::value);
    }

    /**
     * Every message with an id above {@code after}, oldest first, read as the stream is
     * consumed. The caller closes the stream.
     *
     * @param tx    the request's transaction
     * @param after the id to start after (0: all)
     * @return the messages in insertion order
     */
    public Stream<Message> streamAfter(RequestTransaction tx, long after) {
        return tx.read().namedQuery("select-messages-after", after, Long.MAX_VALUE).map(MessageStore::message);
    }

    /**
     * Appends the messages with an id above {@code after}, oldest first, to {@code out}: each
     * one's UTF-8 bytes as stored, preceded by a newline unless it is the first of the listing
     * ({@code first}), until {@code out} holds {@code limit} bytes or more, or none are left. Read
     * in a short transaction of its own ({@link Engine#readAlone}), not the request's.
     *
     * @param engine the database engine
     * @param after  the id to start after (0: all)
     * @param first  whether no message precedes these in the listing
     * @param out    where the bytes go
     * @param limit  how many bytes {@code out} may hold before this stops
     * @return the id of the last message appended ({@code after} if none), and whether none is left
     */
    public Chunk appendAfter(Engine engine, long after, boolean first, ByteArrayOutputStream out, int limit) {
        long[] last = {after};
        boolean complete = engine.readAlone("select-messages-after", (id, value) -> {
            if (last[0] != after || !first) {
                out.write('\n');
            }
            out.writeBytes(value);
            last[0] = id;
            return out.size() < limit;
        }, after, Long.MAX_VALUE);
        return new Chunk(last[0], complete);
    }

    /**
     * What {@link #appendAfter} read.
     *
     * @param lastId   the id of the last message appended
     * @param complete whether no message is left after it
     */
    public record Chunk(long lastId, boolean complete) {
    }

    /**
     * At most {@code limit} messages with an id above {@code after}, oldest first.
     *
     * @param tx    the request's transaction
     * @param after the id to start after (0 for the first page)
     * @param limit the most messages to return
     * @return the page
     */
    public List<Message> page(RequestTransaction tx, long after, int limit) {
        try (Stream<DbRow> rows = tx.read().namedQuery("select-messages-after", after, limit)) {
            return rows.map(MessageStore::message).toList();
        }
    }

    /**
     * Stores a message; it is kept when the request's transaction commits.
     *
     * @param tx    the request's transaction
     * @param value the message, already validated
     * @return the stored message, with its id
     */
    public Message add(RequestTransaction tx, String value) {
        long id = tx.append().namedGet("insert-message", value)
                .orElseThrow(() -> new IllegalStateException("insert-message returned no id"))
                .column("id").get(Number.class).longValue();
        return new Message(id, value);
    }

    /**
     * The reader's snapshot now (PostgreSQL), with the change counter in it.
     *
     * @param tx the request's transaction
     * @return the snapshot
     */
    public Snapshot snapshot(RequestTransaction tx) {
        return snapshot(tx.singleRead().namedGet("select-snapshot")
                                .orElseThrow(() -> new IllegalStateException("select-snapshot returned no row")));
    }

    /**
     * What a reader's snapshot sees that {@code seen} did not (PostgreSQL): in one statement, so
     * in one snapshot, that snapshot, the change counter, and the messages inserted by
     * transactions {@code seen} did not see, oldest first. Exact on its own: outside the
     * request's transaction when it has begun none.
     *
     * @param tx   the request's transaction
     * @param seen a snapshot, as {@code pg_current_snapshot()} writes it
     * @return the reader's snapshot, and the messages unseen in {@code seen}
     */
    public Unseen unseen(RequestTransaction tx, String seen) {
        Snapshot snapshot = null;
        List<Message> messages = new ArrayList<>();
        try (Stream<DbRow> rows = tx.singleRead().namedQuery("select-messages-unseen", seen, seen)) {
            for (DbRow row : (Iterable<DbRow>) rows::iterator) {
                if (row.column("part").get(Number.class).intValue() == 0) {
                    snapshot = snapshot(row);
                } else {
                    messages.add(message(row));
                }
            }
        }
        return new Unseen(Objects.requireNonNull(snapshot, "select-messages-unseen returned no snapshot"), messages);
    }

    /**
     * A database snapshot, and the change counter in it.
     *
     * @param text    the snapshot, as {@code pg_current_snapshot()} writes it
     * @param changes the change counter (moved by any update, delete or truncate of messages)
     */
    public record Snapshot(String text, long changes) {
    }

    /**
     * What {@link #unseen} found.
     *
     * @param snapshot the reader's snapshot
     * @param messages the messages it sees that the given snapshot did not, oldest first
     */
    public record Unseen(Snapshot snapshot, List<Message> messages) {
    }

    private static Snapshot snapshot(DbRow row) {
        return new Snapshot(row.column("snapshot").getString(), row.column("changes").get(Number.class).longValue());
    }

    private static Message message(DbRow row) {
        return new Message(row.column("id").get(Number.class).longValue(), row.column("value").getString());
    }
}
