package io.messages.message;

import java.util.List;
import java.util.stream.Stream;

import io.helidon.dbclient.DbRow;
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
        try (Stream<DbRow> rows = tx.read().namedQuery("select-messages-after", 0, Long.MAX_VALUE)) {
            return rows.map(row -> row.column("value").getString()).toList();
        }
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
        long id = tx.write().namedGet("insert-message", value)
                .orElseThrow(() -> new IllegalStateException("insert-message returned no id"))
                .column("id").get(Number.class).longValue();
        return new Message(id, value);
    }

    private static Message message(DbRow row) {
        return new Message(row.column("id").get(Number.class).longValue(), row.column("value").getString());
    }
}
