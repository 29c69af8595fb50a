package io.messages.message;

import java.util.List;
import java.util.stream.Stream;

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
        return tx.read().namedQuery("select-messages").map(row -> row.column("value").getString());
    }

    /**
     * Stores a message; it is kept when the request's transaction commits.
     *
     * @param tx    the request's transaction
     * @param value the message, already validated
     */
    public void add(RequestTransaction tx, String value) {
        tx.write().namedInsert("insert-message", value);
    }
}
