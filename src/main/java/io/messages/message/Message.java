package io.messages.message;

/**
 * A stored message.
 *
 * @param id    its id: ids grow in the order messages were stored
 * @param value the text, as it was sent
 */
public record Message(long id, String value) {
}
