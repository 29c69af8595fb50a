package io.messages.message;

import io.helidon.config.Config;

/**
 * Limits on accepted messages and pages, from the {@code messages} config.
 *
 * @param maxMessageBytes longest accepted message, in bytes of UTF-8
 * @param maxPageSize     largest page of {@code GET /?limit=N&after=ID}, and every JSON page
 */
public record MessageLimits(int maxMessageBytes, int maxPageSize) {
    /** Defaults, mirroring {@code config/application.yaml}. */
    public static final MessageLimits DEFAULT = new MessageLimits(4096, 1000);

    public MessageLimits {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("messages.max-message-bytes must be at least 1, not " + maxMessageBytes);
        }
        if (maxPageSize < 1) {
            throw new IllegalArgumentException("messages.max-page-size must be at least 1, not " + maxPageSize);
        }
    }

    /**
     * Reads the limits from the {@code messages} config node.
     *
     * @param messages the {@code messages} node
     * @return the limits
     */
    public static MessageLimits from(Config messages) {
        return new MessageLimits(messages.get("max-message-bytes").asInt().orElse(DEFAULT.maxMessageBytes()),
                                 messages.get("max-page-size").asInt().orElse(DEFAULT.maxPageSize()));
    }
}
